using Microsoft.Extensions.Logging;

namespace AgentMesh.Services.Planner;

/// <summary>Log messages of the Planner service (event ids 1900–1919, never reused).</summary>
internal static partial class PlannerLog
{
    [LoggerMessage(1900, LogLevel.Warning, "The planner's model call of turn {Turn} failed")]
    public static partial void ModelCallFailed(ILogger logger, int turn, Exception error);
}
