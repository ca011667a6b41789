namespace AgentMesh.Services.Agents.Roles;

/// <summary>A specialist agent role: its name (file name), a one-line description for the planner, and its system prompt.</summary>
public sealed record AgentRole(string Name, string Description, string SystemPrompt);
