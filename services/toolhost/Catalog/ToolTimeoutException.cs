namespace AgentMesh.Services.ToolHost.Catalog;

/// <summary>A tool call did not finish within its timeout; the server was told to cancel it (gRPC: DEADLINE_EXCEEDED).</summary>
public sealed class ToolTimeoutException(string server, string tool, TimeSpan timeout)
    : Exception($"tool {server}/{tool} did not finish within {timeout.TotalSeconds:0.###} s; the call was cancelled")
{
    /// <summary>The server of the call.</summary>
    public string Server { get; } = server;

    /// <summary>The tool of the call.</summary>
    public string Tool { get; } = tool;

    /// <summary>The timeout that elapsed.</summary>
    public TimeSpan Timeout { get; } = timeout;
}
