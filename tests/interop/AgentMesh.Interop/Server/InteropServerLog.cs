using Microsoft.Extensions.Logging;

namespace AgentMesh.Interop.Server;

/// <summary>Log messages of the interop server. Event ids are fixed; never reuse a retired one.</summary>
internal static partial class InteropServerLog
{
    /// <summary>The category tests filter on.</summary>
    public const string Category = "AgentMesh.Interop.Server";

    [LoggerMessage(1, LogLevel.Information, "{Method}: the handler saw its cancellation token fire (deadline {Deadline:O}).")]
    public static partial void HandlerCancelled(ILogger logger, string method, DateTime deadline);

    [LoggerMessage(2, LogLevel.Information, "Interop server listening on {Address} (h2c).")]
    public static partial void Listening(ILogger logger, string address);

    [LoggerMessage(3, LogLevel.Debug, "{Method}: the handler started.")]
    public static partial void HandlerStarted(ILogger logger, string method);
}
