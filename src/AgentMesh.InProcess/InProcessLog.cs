using Microsoft.Extensions.Logging;

namespace AgentMesh.InProcess;

/// <summary>Log messages of in-process calls (event ids 3100–3109).</summary>
internal static partial class InProcessLog
{
    [LoggerMessage(3100, LogLevel.Error, "Error when executing in-process call {Method}")]
    public static partial void HandlerFailed(ILogger logger, string method, Exception error);
}
