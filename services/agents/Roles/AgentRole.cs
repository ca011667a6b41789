namespace AgentMesh.Services.Agents.Roles;

/// <summary>
/// A specialist agent role: its name (file name), a one-line description for the planner, its system prompt, and the
/// schema its final answer must fit, when it declares one (<c>&lt;role&gt;.schema.json</c>).
/// </summary>
public sealed record AgentRole(string Name, string Description, string SystemPrompt, OutputSchema? OutputSchema = null);
