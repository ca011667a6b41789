namespace AgentMesh.Cli.Hosting;

/// <summary>Settings of the all-in-one host: every service on one loopback port.</summary>
public sealed class MeshHostOptions
{
    /// <summary>TCP port on 127.0.0.1; 0 picks a free one. Default 0.</summary>
    public int Port { get; set; }

    /// <summary>Folder for the SQLite files (state.db, taskhub.db) and tool output. Created when missing.</summary>
    public required string DataDirectory { get; set; }

    /// <summary>MCP servers file in the <c>mcpServers</c> JSON shape; null: no tools.</summary>
    public string? McpConfigPath { get; set; }

    /// <summary>Cassette of the scripted model provider (used unless a real model is configured).</summary>
    public string? CassettePath { get; set; }

    /// <summary>Variables expanded as <c>${NAME}</c> in the MCP config and the cassette (WORKSPACE, OUTPUT, …).</summary>
    public Dictionary<string, string> Variables { get; } = new(StringComparer.Ordinal);

    /// <summary>Changes the host's services after AgentMesh's own registrations, e.g. a test's in-memory span exporter
    /// (<c>services.ConfigureOpenTelemetryTracerProvider(...)</c>). Null: none.</summary>
    public Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? ConfigureServices { get; set; }

    /// <summary>Extra configuration (e.g. <c>Models:*</c>, <c>Agents:*</c>), applied over the defaults and under environment variables.</summary>
    public Dictionary<string, string?> Settings { get; } = new(StringComparer.OrdinalIgnoreCase);
}
