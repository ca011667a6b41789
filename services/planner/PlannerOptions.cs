namespace AgentMesh.Services.Planner;

/// <summary>Settings of the Planner service.</summary>
public sealed class PlannerOptions
{
    /// <summary>The agent roles a plan may use: name → one-line description (shown to the model). Required, at least one.</summary>
    public Dictionary<string, string> Roles { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The model role name used to pick the planner's model and cassette entries. Default "planner".</summary>
    public string ModelRole { get; set; } = "planner";
}
