namespace AgentMesh.Services.ToolHost.Catalog;

/// <summary>
/// A configured MCP server could not be started or connected, or its connection broke during a
/// call (gRPC: UNAVAILABLE). The message says why (process exit code, stderr tail, HTTP error).
/// </summary>
public sealed class ToolServerUnavailableException(string server, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    /// <summary>The server that is unavailable.</summary>
    public string Server { get; } = server;
}
