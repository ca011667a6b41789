namespace AgentMesh.Planning;

/// <summary>A plan is malformed or violates a rule; <see cref="Errors"/> lists every problem, each naming where it is.</summary>
public sealed class PlanValidationException(IReadOnlyList<string> errors)
    : Exception("Invalid plan: " + string.Join("; ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
