using AgentMesh.DurableTask.Protocol;
using AgentMesh.Workflow.Backend;
using AgentMesh.Workflow.Serialization;
using Google.Protobuf.WellKnownTypes;

namespace AgentMesh.Workflow;

/// <summary>
/// Schedules and manages workflow instances in the task hub (mirrors Dapr's DaprWorkflowClient).
/// Registered as a singleton by <see cref="WorkflowServiceCollectionExtensions.AddWorkflowRuntime"/>.
/// Payloads are serialized with System.Text.Json (web defaults).
/// </summary>
public sealed class WorkflowClient
{
    private static readonly TimeSpan StatusPollInterval = TimeSpan.FromMilliseconds(100);
    private readonly ITaskHubBackend _backend;
    private readonly TimeProvider _timeProvider;

    internal WorkflowClient(ITaskHubBackend backend, WorkflowRuntimeOptions options)
    {
        _backend = backend;
        _timeProvider = options.TimeProvider;
    }

    /// <summary>
    /// Schedules a new instance of workflow <paramref name="name"/> and returns its id (a new GUID
    /// when <paramref name="instanceId"/> is null). It starts at <paramref name="startTime"/> (null: now).
    /// An id that belonged to a finished instance is reused (the old instance is replaced).
    /// </summary>
    /// <exception cref="InvalidOperationException">An instance with that id exists and is not finished.</exception>
    public async Task<string> ScheduleNewWorkflowAsync(string name, string? instanceId = null, object? input = null, DateTimeOffset? startTime = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        instanceId ??= Guid.NewGuid().ToString();
        var now = _timeProvider.GetUtcNow();
        var started = new ExecutionStartedEvent
        {
            Name = name,
            Input = WorkflowJson.Serialize(input),
            OrchestrationInstance = new OrchestrationInstance { InstanceId = instanceId, ExecutionId = Guid.NewGuid().ToString("N") },
        };
        if (startTime is { } at)
            started.ScheduledStartTimestamp = Timestamp.FromDateTimeOffset(at);
        await _backend.CreateInstanceAsync(new HistoryEvent { EventId = -1, Timestamp = Timestamp.FromDateTimeOffset(now), ExecutionStarted = started },
            startTime ?? now, cancellationToken).ConfigureAwait(false);
        return instanceId;
    }

    /// <summary>The instance's state, or null when no such instance exists. Payloads only when <paramref name="getInputsAndOutputs"/>.</summary>
    public async Task<WorkflowState?> GetWorkflowStateAsync(string instanceId, bool getInputsAndOutputs = true, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        var state = await _backend.GetInstanceAsync(instanceId, getInputsAndOutputs, cancellationToken).ConfigureAwait(false);
        return state is null ? null : new WorkflowState(state);
    }

    /// <summary>
    /// Sends external event <paramref name="eventName"/> (matched case-insensitively) to a live
    /// instance; ignored when the instance has finished.
    /// </summary>
    /// <exception cref="InvalidOperationException">No such instance.</exception>
    public Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        return SendAsync(instanceId, new HistoryEvent { EventRaised = new EventRaisedEvent { Name = eventName, Input = WorkflowJson.Serialize(eventPayload) } }, cancellationToken);
    }

    /// <summary>Terminates a live instance; its output becomes <paramref name="output"/>. Ignored when it has finished.</summary>
    /// <exception cref="InvalidOperationException">No such instance.</exception>
    public Task TerminateWorkflowAsync(string instanceId, object? output = null, CancellationToken cancellationToken = default) =>
        SendAsync(instanceId, new HistoryEvent { ExecutionTerminated = new ExecutionTerminatedEvent { Input = WorkflowJson.Serialize(output) } }, cancellationToken);

    /// <summary>Suspends a live instance: events are held until it is resumed.</summary>
    /// <exception cref="InvalidOperationException">No such instance.</exception>
    public Task SuspendWorkflowAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default) =>
        SendAsync(instanceId, new HistoryEvent { ExecutionSuspended = new ExecutionSuspendedEvent { Input = reason } }, cancellationToken);

    /// <summary>Resumes a suspended instance.</summary>
    /// <exception cref="InvalidOperationException">No such instance.</exception>
    public Task ResumeWorkflowAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default) =>
        SendAsync(instanceId, new HistoryEvent { ExecutionResumed = new ExecutionResumedEvent { Input = reason } }, cancellationToken);

    /// <summary>Deletes a finished instance with its history; false when no such instance exists.</summary>
    /// <exception cref="InvalidOperationException">The instance has not finished.</exception>
    public Task<bool> PurgeInstanceAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        return _backend.PurgeInstanceAsync(instanceId, cancellationToken);
    }

    /// <summary>Waits until the instance exists and has left <see cref="WorkflowRuntimeStatus.Pending"/> (polls every 100 ms).</summary>
    public Task<WorkflowState> WaitForWorkflowStartAsync(string instanceId, bool getInputsAndOutputs = true, CancellationToken cancellationToken = default) =>
        WaitForAsync(instanceId, getInputsAndOutputs, s => s.RuntimeStatus != WorkflowRuntimeStatus.Pending, cancellationToken);

    /// <summary>
    /// Waits until the instance is Completed, Failed, Canceled or Terminated (polls every 100 ms).
    /// Bound the wait with <paramref name="cancellationToken"/>.
    /// </summary>
    public Task<WorkflowState> WaitForWorkflowCompletionAsync(string instanceId, bool getInputsAndOutputs = true, CancellationToken cancellationToken = default) =>
        WaitForAsync(instanceId, getInputsAndOutputs, s => s.IsWorkflowCompleted, cancellationToken);

    private async Task<WorkflowState> WaitForAsync(string instanceId, bool getInputsAndOutputs, Func<WorkflowState, bool> done, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (await GetWorkflowStateAsync(instanceId, getInputsAndOutputs, cancellationToken).ConfigureAwait(false) is { } state && done(state))
                return state;
            await Task.Delay(StatusPollInterval, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task SendAsync(string instanceId, HistoryEvent historyEvent, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        historyEvent.EventId = -1;
        historyEvent.Timestamp = Timestamp.FromDateTimeOffset(_timeProvider.GetUtcNow());
        if (!await _backend.AddEventAsync(instanceId, historyEvent, cancellationToken).ConfigureAwait(false)
            && await _backend.GetInstanceAsync(instanceId, includePayloads: false, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new InvalidOperationException($"No workflow instance with id '{instanceId}' exists.");
        }
    }
}
