namespace AgentMesh.Services.Agents.Roles;

/// <summary>
/// A specialist agent role: its name (file name), a one-line description for the planner, its system prompt, the
/// schema its final answer must fit, when it declares one (<c>&lt;role&gt;.schema.json</c>), and the capabilities it
/// declares (front matter <c>capabilities: a, b</c>) for steps routed by capability.
/// </summary>
public sealed record AgentRole(string Name, string Description, string SystemPrompt, OutputSchema? OutputSchema = null)
{
    /// <summary>Capabilities the role declares, e.g. <c>web-research</c>; empty when it declares none.</summary>
    public IReadOnlySet<string> Capabilities { get; init; } = new HashSet<string>(StringComparer.Ordinal);
}
