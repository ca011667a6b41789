namespace AgentMesh.Services.ToolHost.Catalog;

/// <summary>The server name is not configured, or the server has no tool of that name (gRPC: NOT_FOUND).</summary>
public sealed class ToolNotFoundException(string server, string? tool, string message) : Exception(message)
{
    /// <summary>The server name asked for.</summary>
    public string Server { get; } = server;

    /// <summary>The tool name asked for; null when the server itself is unknown.</summary>
    public string? Tool { get; } = tool;
}
