using Microsoft.Extensions.Logging;

namespace AgentMesh.Workflow.Worker;

/// <summary>Log messages of the workflow worker; event ids 1–99 are this component's and are never reused.</summary>
internal static partial class WorkerLog
{
    [LoggerMessage(1, LogLevel.Information, "Workflow worker started (task hub {DatabasePath}, max {MaxConcurrentActivities} concurrent activities).")]
    public static partial void Started(ILogger logger, string databasePath, int maxConcurrentActivities);

    [LoggerMessage(2, LogLevel.Information, "Workflow worker stopping; in-flight activities are abandoned and will re-run.")]
    public static partial void Stopping(ILogger logger);

    [LoggerMessage(3, LogLevel.Error, "Workflow instance {InstanceId}: episode failed to process or commit; abandoned for retry.")]
    public static partial void EpisodeFailed(ILogger logger, string instanceId, Exception exception);

    [LoggerMessage(4, LogLevel.Warning, "Activity {ActivityName} of instance {InstanceId}: result delivery failed; retrying.")]
    public static partial void DeliveryFailed(ILogger logger, string activityName, string instanceId, Exception exception);

    [LoggerMessage(5, LogLevel.Information, "Activity {ActivityName} of instance {InstanceId} canceled by shutdown; abandoned.")]
    public static partial void ActivityAbandoned(ILogger logger, string activityName, string instanceId);

    [LoggerMessage(6, LogLevel.Error, "Workflow worker loop {Loop} failed to poll the task hub.")]
    public static partial void PollFailed(ILogger logger, string loop, Exception exception);

    [LoggerMessage(7, LogLevel.Warning, "Workflow instance {InstanceId} failed: {ErrorType}: {ErrorMessage}")]
    public static partial void InstanceFailed(ILogger logger, string instanceId, string errorType, string errorMessage);
}
