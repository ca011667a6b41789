namespace AgentMesh.Planning;

/// <summary>
/// One rule a plan breaks. <see cref="Field"/> is the path of the offending field in the Plan
/// message (proto field names, e.g. <c>steps[1].agent_role</c>; <c>steps</c> for whole-plan rules);
/// <see cref="Description"/> says what is wrong and how to fix it.
/// </summary>
public sealed record PlanViolation(string Field, string Description)
{
    /// <summary>The violation as one line, e.g. <c>steps[1].agent_role: unknown role "poet"; known roles: …</c>.</summary>
    public override string ToString() => $"{Field}: {Description}";
}
