using Microsoft.Extensions.Logging;

namespace AgentMesh.Services.ToolHost;

/// <summary>The ToolHost's log messages. Event ids are fixed and never reused.</summary>
internal static partial class ToolHostLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "MCP server {Server} connected ({Transport}); {ToolCount} tools")]
    public static partial void ServerConnected(ILogger logger, string server, string transport, int toolCount);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "MCP server {Server} is unavailable: {Reason}")]
    public static partial void ServerUnavailable(ILogger logger, string server, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "MCP server {Server} connection ended ({Reason}); reconnecting")]
    public static partial void ServerReconnecting(ILogger logger, string server, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "MCP server {Server} stderr: {Line}")]
    public static partial void ServerStandardError(ILogger logger, string server, string line);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "Tool {Server}/{Tool} finished in {ElapsedMs} ms, isError={IsError}")]
    public static partial void ToolCallFinished(ILogger logger, string server, string tool, long elapsedMs, bool isError);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Tool {Server}/{Tool} timed out after {TimeoutMs} ms")]
    public static partial void ToolCallTimedOut(ILogger logger, string server, string tool, long timeoutMs);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "Tool {Server}/{Tool}: connection lost during the call; retrying once (tool is read-only or idempotent)")]
    public static partial void ToolCallRetrying(ILogger logger, string server, string tool);

    [LoggerMessage(EventId = 8, Level = LogLevel.Information, Message = "Tool call {Method} was cancelled by the caller")]
    public static partial void CallCancelled(ILogger logger, string method);
}
