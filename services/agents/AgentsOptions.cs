namespace AgentMesh.Services.Agents;

/// <summary>Settings of the Agents service (configuration section <c>Agents</c>).</summary>
public sealed class AgentsOptions
{
    /// <summary>Folder of the role prompts (<c>&lt;role&gt;.md</c>). Default: the built-in prompts next to the assembly.</summary>
    public string PromptsDirectory { get; set; } = Roles.AgentRoleCatalog.DefaultDirectory;

    /// <summary>Most model turns one step may take. Default 12; must be 1..100.</summary>
    public int MaxIterations { get; set; } = 12;
}
