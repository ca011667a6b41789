using Microsoft.Extensions.Logging;

namespace AgentMesh.Workflow;

/// <summary>
/// The deterministic API workflow code uses (Dapr Workflow's <c>WorkflowContext</c>). Every
/// operation is recorded in the instance's history; on replay, results come from history.
/// </summary>
public abstract class WorkflowContext
{
    /// <summary>Workflow instance id.</summary>
    public abstract string InstanceId { get; }

    /// <summary>Registered workflow name.</summary>
    public abstract string Name { get; }

    /// <summary>Current time in UTC, taken from history (the OrchestratorStarted event of the current episode).</summary>
    public abstract DateTime CurrentUtcDateTime { get; }

    /// <summary>True while the code re-executes steps already recorded in history.</summary>
    public abstract bool IsReplaying { get; }

    /// <summary>
    /// Schedules activity <paramref name="name"/> and returns its JSON result as <typeparamref name="T"/>.
    /// Throws <see cref="WorkflowTaskFailedException"/> when the activity fails (after the retries of
    /// <paramref name="options"/>, which wait on durable timers).
    /// </summary>
    public abstract Task<T> CallActivityAsync<T>(string name, object? input = null, WorkflowTaskOptions? options = null);

    /// <summary>Schedules activity <paramref name="name"/> and ignores its result. Errors as <see cref="CallActivityAsync{T}"/>.</summary>
    public virtual Task CallActivityAsync(string name, object? input = null, WorkflowTaskOptions? options = null) =>
        CallActivityAsync<object?>(name, input, options);

    /// <summary>
    /// Durable timer firing at <paramref name="fireAt"/> (UTC). Cancelling the token completes the
    /// returned task as canceled; the timer stays recorded in history.
    /// </summary>
    public abstract Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken = default);

    /// <summary>Durable timer firing <paramref name="delay"/> after <see cref="CurrentUtcDateTime"/>.</summary>
    public virtual Task CreateTimer(TimeSpan delay, CancellationToken cancellationToken = default) =>
        CreateTimer(CurrentUtcDateTime.Add(delay), cancellationToken);

    /// <summary>
    /// Waits for external event <paramref name="eventName"/> (case-insensitive); events raised before
    /// the wait are buffered. Canceling the token completes the task as canceled.
    /// </summary>
    public abstract Task<T> WaitForExternalEventAsync<T>(string eventName, CancellationToken cancellationToken = default);

    /// <summary>
    /// Waits for external event <paramref name="eventName"/> at most <paramref name="timeout"/>
    /// (a durable timer). Throws <see cref="TaskCanceledException"/> on timeout.
    /// </summary>
    public virtual async Task<T> WaitForExternalEventAsync<T>(string eventName, TimeSpan timeout)
    {
        using var timerCancellation = new CancellationTokenSource();
        using var eventCancellation = new CancellationTokenSource();
        var timeoutTask = CreateTimer(timeout, timerCancellation.Token);
        var eventTask = WaitForExternalEventAsync<T>(eventName, eventCancellation.Token);
        var first = await Task.WhenAny(timeoutTask, eventTask);
        if (first == eventTask)
            timerCancellation.Cancel();
        else
            eventCancellation.Cancel();
        return await eventTask;
    }

    /// <summary>Sets the JSON-serializable custom status reported by <see cref="WorkflowState"/>; null clears it.</summary>
    public abstract void SetCustomStatus(object? customStatus);

    /// <summary>
    /// Restarts the instance with a fresh history and <paramref name="newInput"/> once the current
    /// <c>RunAsync</c> returns. Unprocessed external events are carried over when <paramref name="preserveUnprocessedEvents"/>.
    /// </summary>
    public abstract void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true);

    /// <summary>Deterministic GUID (name-based, RFC 4122 version 5, derived from the instance id and a per-execution counter).</summary>
    public abstract Guid NewGuid();

    /// <summary>
    /// Starts child workflow <paramref name="name"/> and returns its output. Throws
    /// <see cref="WorkflowTaskFailedException"/> when the child fails.
    /// </summary>
    public abstract Task<T> CallChildWorkflowAsync<T>(string name, object? input = null, ChildWorkflowTaskOptions? options = null);

    /// <summary>A logger that writes nothing while <see cref="IsReplaying"/>.</summary>
    public abstract ILogger CreateReplaySafeLogger<T>();
}
