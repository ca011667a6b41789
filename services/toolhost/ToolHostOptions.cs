using AgentMesh.Services.ToolHost.Configuration;

namespace AgentMesh.Services.ToolHost;

/// <summary>Options of <see cref="ToolHostRegistration.AddToolHost"/>.</summary>
public sealed class ToolHostOptions
{
    /// <summary>
    /// Path of the MCP servers config file (<see cref="McpServersConfig"/> format). Required unless
    /// <see cref="Config"/> is set. Default null.
    /// </summary>
    public string? ConfigPath { get; set; }

    /// <summary>Variables for <c>${NAME}</c> expansion in the config (e.g. <c>WORKSPACE</c>). Default empty; <c>CONFIG_DIR</c> is added automatically.</summary>
    public Dictionary<string, string> Variables { get; } = new(StringComparer.Ordinal);

    /// <summary>An already loaded config; when set, <see cref="ConfigPath"/> is ignored. Default null.</summary>
    public McpServersConfig? Config { get; set; }
}
