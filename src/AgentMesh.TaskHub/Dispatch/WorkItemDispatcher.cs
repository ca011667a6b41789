using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using AgentMesh.TaskHub.Backend;
using AgentMesh.TaskHub.Protocol;
using AgentMesh.TaskHub.Turns;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentMesh.TaskHub.Dispatch;

/// <summary>
/// Hands stored work to the workers connected through GetWorkItems and commits their completions.
/// Every work item carries a fresh completion token (the backend's lock token); a completion whose
/// token is unknown (stale, or its stream dropped) is dropped; the work of a dropped stream is
/// released and dispatched again. A completion without a token, from a worker of the protocol's older
/// revision, is matched by the work it names (see <see cref="TryTake"/>).
/// </summary>
internal sealed class WorkItemDispatcher(ITaskHubBackend backend, IOptions<TaskHubOptions> options, ILogger<WorkItemDispatcher> logger) : BackgroundService
{
    private static readonly TimeSpan IdleWait = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, InFlightWork> _inFlight = new(StringComparer.Ordinal);
    private readonly List<WorkerConnection> _connections = [];
    private readonly Lock _gate = new();
    private readonly WorkSignal _signal = new();
    private int _next;

    /// <summary>Number of worker streams connected now.</summary>
    public int ConnectedWorkers
    {
        get
        {
            lock (_gate)
            {
                return _connections.Count;
            }
        }
    }

    /// <summary>Registers an open GetWorkItems stream.</summary>
    public WorkerConnection Connect()
    {
        var connection = new WorkerConnection();
        lock (_gate)
        {
            _connections.Add(connection);
        }

        _signal.Set();
        return connection;
    }

    /// <summary>Unregisters a stream that ended and releases the work it held, so it is dispatched again.</summary>
    public async Task DisconnectAsync(WorkerConnection connection)
    {
        lock (_gate)
        {
            _connections.Remove(connection);
        }

        connection.Outbox.Writer.TryComplete();
        foreach (var (token, work) in _inFlight.Where(p => p.Value.Connection == connection).ToList())
        {
            if (!_inFlight.TryRemove(token, out _))
                continue;
            try
            {
                if (work.Turn is { } turn)
                    await backend.AbandonOrchestrationWorkItemAsync(turn.WorkItem).ConfigureAwait(false);
                else if (work.Activity is { } activity)
                    await backend.AbandonActivityWorkItemAsync(activity).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                TaskHubLog.ReleaseFailed(logger, token, e);
            }
        }

        _signal.Set();
    }

    /// <summary>Commits a worker's answer to a workflow turn. Returns false (and commits nothing) for a stale completion token.</summary>
    public async Task<bool> CompleteWorkflowAsync(WorkflowResponse response, CancellationToken cancellationToken)
    {
        if (!TryTake(response.CompletionToken, w => w.Turn?.WorkItem.InstanceId == response.InstanceId, out var work) || work.Turn is not { } turn)
        {
            TaskHubLog.StaleCompletion(logger, "workflow", response.InstanceId, response.CompletionToken);
            return false;
        }

        work.Connection.Released(workflow: true);
        var episode = TurnResult.Apply(turn, response, Now());
        return await CommitAsync(response.InstanceId, () => backend.CompleteOrchestrationWorkItemAsync(turn.WorkItem, episode, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Commits an activity's result. Returns false (and commits nothing) for a stale completion token.</summary>
    public async Task<bool> CompleteActivityAsync(ActivityResponse response, CancellationToken cancellationToken)
    {
        if (!TryTake(response.CompletionToken, w => w.Activity?.InstanceId == response.InstanceId && w.Activity.TaskScheduled.EventId == response.TaskId, out var work)
            || work.Activity is not { } activity)
        {
            TaskHubLog.StaleCompletion(logger, "activity", response.InstanceId, response.CompletionToken);
            return false;
        }

        work.Connection.Released(workflow: false);
        var taskId = activity.TaskScheduled.EventId;
        var executionId = activity.TaskScheduled.TaskScheduled.TaskExecutionId;
        var result = response.FailureDetails is { } failure
            ? new HistoryEvent { EventId = -1, Timestamp = Now(), TaskFailed = new TaskFailedEvent { TaskScheduledId = taskId, FailureDetails = failure, TaskExecutionId = executionId } }
            : new HistoryEvent { EventId = -1, Timestamp = Now(), TaskCompleted = new TaskCompletedEvent { TaskScheduledId = taskId, Result = response.Result, TaskExecutionId = executionId } };
        return await CommitAsync(response.InstanceId, () => backend.CompleteActivityWorkItemAsync(activity, result, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Runs a completion's commit; a refusal (the lease was lost, the instance ended) is logged and answers false. Either way the dispatcher looks for work again.</summary>
    private async Task<bool> CommitAsync(string instanceId, Func<Task> commit)
    {
        try
        {
            await commit().ConfigureAwait(false);
            return true;
        }
        catch (InvalidOperationException e)
        {
            TaskHubLog.CompletionRefused(logger, instanceId, e.Message);
            return false;
        }
        finally
        {
            _signal.Set();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        backend.WorkAvailable += _signal.Set;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                bool dispatched;
                var lookedAt = options.Value.TimeProvider.GetUtcNow();
                try
                {
                    dispatched = await DispatchAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    TaskHubLog.DispatchFailed(logger, e);
                    dispatched = false;
                }

                TaskHubMetrics.DispatchRounds.Add(1, new KeyValuePair<string, object?>("result", dispatched ? "dispatched" : "idle"));
                if (!dispatched)
                    await _signal.WaitAsync(await IdleWaitAsync(lookedAt, stoppingToken).ConfigureAwait(false), stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping; unfinished work stays stored and is dispatched after a restart.
        }
        finally
        {
            backend.WorkAvailable -= _signal.Set;
        }
    }

    /// <summary>
    /// Takes as many workflow turns and activities as the connected workers have room for (two reads:
    /// taking work writes nothing) and sends them out. False when none was due.
    /// </summary>
    private async Task<bool> DispatchAsync(CancellationToken cancellationToken)
    {
        var workflowRoom = Room(c => options.Value.MaxWorkflowsPerWorker - c.Workflows);
        var activityRoom = Room(c => options.Value.MaxActivitiesPerWorker - c.Activities);
        var turns = workflowRoom > 0 ? backend.GetOrchestrationWorkItemsAsync(workflowRoom, cancellationToken) : Task.FromResult<IReadOnlyList<OrchestrationWorkItem>>([]);
        var activities = activityRoom > 0 ? backend.GetActivityWorkItemsAsync(activityRoom, cancellationToken) : Task.FromResult<IReadOnlyList<ActivityWorkItem>>([]);
        try
        {
            await Task.WhenAll(turns, activities).ConfigureAwait(false);
        }
        catch (Exception) when (turns.IsCompletedSuccessfully || activities.IsCompletedSuccessfully)
        {
            // One query failed: what the other took is leased, so it is sent before the failure is reported.
        }

        var sent = 0;
        if (turns.IsCompletedSuccessfully)
        {
            foreach (var workItem in turns.Result)
                await SendWorkflowAsync(workItem).ConfigureAwait(false);
            sent += turns.Result.Count;
        }
        if (activities.IsCompletedSuccessfully)
        {
            foreach (var activity in activities.Result)
                await SendActivityAsync(activity).ConfigureAwait(false);
            sent += activities.Result.Count;
        }
        await Task.WhenAll(turns, activities).ConfigureAwait(false);
        return sent > 0;
    }

    private async Task SendWorkflowAsync(OrchestrationWorkItem workItem)
    {
        var connection = PickConnection(c => c.Workflows < options.Value.MaxWorkflowsPerWorker);
        if (connection is null)
        {
            // Its worker went away while the turn was being taken.
            await backend.AbandonOrchestrationWorkItemAsync(workItem).ConfigureAwait(false);
            return;
        }

        var turn = WorkflowTurn.Create(workItem, Now());
        connection.Took(workflow: true);
        _inFlight[turn.WorkItem.LockToken] = new InFlightWork(connection, turn, null);
        if (!connection.Outbox.Writer.TryWrite(new WorkItem { WorkflowRequest = turn.ToRequest(), CompletionToken = turn.WorkItem.LockToken }))
            await DisconnectAsync(connection).ConfigureAwait(false);
    }

    private async Task SendActivityAsync(ActivityWorkItem activity)
    {
        var connection = PickConnection(c => c.Activities < options.Value.MaxActivitiesPerWorker);
        if (connection is null)
        {
            await backend.AbandonActivityWorkItemAsync(activity).ConfigureAwait(false);
            return;
        }

        connection.Took(workflow: false);
        _inFlight[activity.LockToken] = new InFlightWork(connection, null, activity);
        var scheduled = activity.TaskScheduled.TaskScheduled;
        var request = new ActivityRequest
        {
            Name = scheduled.Name, Version = scheduled.Version, Input = scheduled.Input, TaskId = activity.TaskScheduled.EventId, TaskExecutionId = scheduled.TaskExecutionId,
            ParentTraceContext = scheduled.ParentTraceContext,
            WorkflowInstance = new WorkflowInstance { InstanceId = activity.InstanceId, ExecutionId = activity.ExecutionId },
        };
        if (!connection.Outbox.Writer.TryWrite(new WorkItem { ActivityRequest = request, CompletionToken = activity.LockToken }))
            await DisconnectAsync(connection).ConfigureAwait(false);
    }

    /// <summary>The free room of all connected workers, by <paramref name="free"/> per connection.</summary>
    private int Room(Func<WorkerConnection, int> free)
    {
        lock (_gate)
        {
            return _connections.Sum(c => Math.Max(0, free(c)));
        }
    }

    /// <summary>
    /// Takes the in-flight work a completion answers: by its completion token, or, when the token is
    /// empty, by what the completion names. Workers of the protocol's older revision (the workflow
    /// worker of @dapr/dapr 3.18.0, for one) never read WorkItem.completionToken (field 10) and leave
    /// WorkflowResponse.completionToken (4) and ActivityResponse.completionToken (5) empty; for them a
    /// turn is named by its instance id (a locked instance has one turn in flight) and an activity by
    /// its instance id and task id. Such a completion cannot be told stale, as in that revision.
    /// </summary>
    private bool TryTake(string completionToken, Func<InFlightWork, bool> named, [NotNullWhen(true)] out InFlightWork? work)
    {
        if (completionToken.Length > 0)
            return _inFlight.TryRemove(completionToken, out work);
        foreach (var (token, candidate) in _inFlight)
        {
            if (named(candidate) && _inFlight.TryRemove(token, out work))
                return true;
        }

        work = null;
        return false;
    }

    /// <summary>The next connection (round robin) that has room, or null.</summary>
    private WorkerConnection? PickConnection(Func<WorkerConnection, bool> hasRoom)
    {
        lock (_gate)
        {
            for (var i = 0; i < _connections.Count; i++)
            {
                var connection = _connections[(_next + i) % _connections.Count];
                if (hasRoom(connection))
                {
                    _next = (_next + i + 1) % _connections.Count;
                    return connection;
                }
            }

            return null;
        }
    }

    /// <summary>How long to sleep when there is nothing to do: until the next timer or delayed start is due, at most <see cref="IdleWait"/>.</summary>
    private async Task<TimeSpan> IdleWaitAsync(DateTimeOffset lookedAt, CancellationToken cancellationToken)
    {
        if (await backend.GetNextVisibleAtAsync(lookedAt, cancellationToken).ConfigureAwait(false) is not { } next)
            return IdleWait;
        var wait = next - options.Value.TimeProvider.GetUtcNow();
        return wait <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(1) : wait < IdleWait ? wait : IdleWait;
    }

    private Timestamp Now() => Timestamp.FromDateTimeOffset(options.Value.TimeProvider.GetUtcNow());
}
