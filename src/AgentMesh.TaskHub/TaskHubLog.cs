using Microsoft.Extensions.Logging;

namespace AgentMesh.TaskHub;

/// <summary>The task hub's log messages (event ids 3000–3099).</summary>
internal static partial class TaskHubLog
{
    [LoggerMessage(3000, LogLevel.Warning, "Dropped a stale {Kind} completion for instance '{InstanceId}' (completion token '{CompletionToken}' is not in flight)")]
    public static partial void StaleCompletion(ILogger logger, string kind, string instanceId, string completionToken);

    [LoggerMessage(3001, LogLevel.Warning, "Refused the completion for instance '{InstanceId}': {Reason}")]
    public static partial void CompletionRefused(ILogger logger, string instanceId, string reason);

    [LoggerMessage(3002, LogLevel.Error, "Could not release work item '{CompletionToken}' of a dropped worker stream; it is dispatched again after a restart")]
    public static partial void ReleaseFailed(ILogger logger, string completionToken, Exception error);

    [LoggerMessage(3003, LogLevel.Error, "Dispatching work failed; retrying")]
    public static partial void DispatchFailed(ILogger logger, Exception error);

    [LoggerMessage(3004, LogLevel.Information, "A worker connected to GetWorkItems ({Workers} connected)")]
    public static partial void WorkerConnected(ILogger logger, int workers);

    [LoggerMessage(3005, LogLevel.Information, "A worker stream ended ({Workers} connected)")]
    public static partial void WorkerDisconnected(ILogger logger, int workers);

    [LoggerMessage(3006, LogLevel.Error, "Workflow instance '{InstanceId}' has failed: its stored history or inbox cannot be read ({Reason})")]
    public static partial void CorruptInstance(ILogger logger, string instanceId, string reason);
}
