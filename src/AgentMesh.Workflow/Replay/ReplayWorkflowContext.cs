using AgentMesh.DurableTask.Protocol;
using AgentMesh.Workflow.Serialization;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Logging;

namespace AgentMesh.Workflow.Replay;

/// <summary>
/// The <see cref="WorkflowContext"/> of one episode: workflow calls become numbered actions;
/// history events complete the tasks those actions opened.
/// </summary>
internal sealed class ReplayWorkflowContext(string instanceId, string name, string executionId, ILoggerFactory loggerFactory) : WorkflowContext
{
    private readonly Dictionary<string, LinkedList<OpenTask<string?>>> _eventWaiters = new(StringComparer.OrdinalIgnoreCase);
    private int _sequence;
    private int _guidCounter;

    public override string InstanceId => instanceId;
    public override string Name => name;
    public override DateTime CurrentUtcDateTime => CurrentTime;
    public override bool IsReplaying => Replaying;

    internal DateTime CurrentTime { get; set; }
    internal bool Replaying { get; set; } = true;

    /// <summary>Actions taken and not yet matched by history, by id.</summary>
    internal SortedDictionary<int, OrchestratorAction> PendingActions { get; } = [];

    /// <summary>Tasks awaiting a history event, by action id.</summary>
    internal Dictionary<int, IOpenTask> OpenTasks { get; } = [];

    /// <summary>EventRaised events nobody waited for yet, in arrival order.</summary>
    internal List<HistoryEvent> BufferedEvents { get; } = [];

    internal string? CustomStatus { get; private set; }
    internal bool ContinuedAsNew { get; private set; }
    internal string? ContinueAsNewInput { get; private set; }
    internal bool PreserveUnprocessedEvents { get; private set; }

    internal int NextActionId() => _sequence++;

    public override async Task<T> CallActivityAsync<T>(string name, object? input = null, WorkflowTaskOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var serializedInput = WorkflowJson.Serialize(input);
        return await WithRetries(options?.RetryPolicy, () =>
        {
            var id = NextActionId();
            PendingActions.Add(id, new OrchestratorAction
            {
                Id = id,
                ScheduleTask = new ScheduleTaskAction
                {
                    Name = name,
                    Input = serializedInput,
                    TaskExecutionId = DeterministicGuid.Create(DeterministicGuid.WorkflowNamespace, $"{InstanceId}_{executionId}_task_{id}").ToString(),
                },
            });
            return Open<T>(id, $"Activity '{name}' (task #{id})");
        });
    }

    public override Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken = default)
    {
        var utc = fireAt.Kind switch
        {
            DateTimeKind.Local => fireAt.ToUniversalTime(),
            DateTimeKind.Unspecified => DateTime.SpecifyKind(fireAt, DateTimeKind.Utc),
            _ => fireAt,
        };
        var id = NextActionId();
        PendingActions.Add(id, new OrchestratorAction { Id = id, CreateTimer = new CreateTimerAction { FireAt = Timestamp.FromDateTime(utc) } });
        var task = new OpenTask<object?>($"Timer #{id}");
        OpenTasks.Add(id, task);
        if (cancellationToken.CanBeCanceled)
            cancellationToken.Register(task.Cancel);
        return task.Task;
    }

    public override Task<T> WaitForExternalEventAsync<T>(string eventName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        var buffered = BufferedEvents.FindIndex(e => string.Equals(e.EventRaised.Name, eventName, StringComparison.OrdinalIgnoreCase));
        if (buffered >= 0)
        {
            var payload = BufferedEvents[buffered].EventRaised.Input;
            BufferedEvents.RemoveAt(buffered);
            return System.Threading.Tasks.Task.FromResult(WorkflowJson.Deserialize<T>(payload)!);
        }
        var waiter = new OpenTask<string?>($"External event '{eventName}'");
        if (!_eventWaiters.TryGetValue(eventName, out var waiters))
            _eventWaiters[eventName] = waiters = new LinkedList<OpenTask<string?>>();
        var node = waiters.AddLast(waiter);
        if (cancellationToken.CanBeCanceled)
        {
            cancellationToken.Register(() =>
            {
                if (node.List is not null)
                    waiters.Remove(node);
                waiter.Cancel();
            });
        }
        return Convert<T>(waiter.Task);
    }

    /// <summary>Delivers an external event to its first waiter, or buffers it.</summary>
    internal void DeliverEvent(HistoryEvent raised)
    {
        if (_eventWaiters.TryGetValue(raised.EventRaised.Name, out var waiters) && waiters.First is { } first)
        {
            waiters.RemoveFirst();
            first.Value.Complete(WorkflowJson.Serialize(raised.EventRaised.Input));
            return;
        }
        BufferedEvents.Add(raised);
    }

    public override void SetCustomStatus(object? customStatus) => CustomStatus = WorkflowJson.Serialize(customStatus);

    public override void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true)
    {
        ContinuedAsNew = true;
        ContinueAsNewInput = WorkflowJson.Serialize(newInput);
        PreserveUnprocessedEvents = preserveUnprocessedEvents;
    }

    public override Guid NewGuid() =>
        DeterministicGuid.Create(DeterministicGuid.WorkflowNamespace, $"{InstanceId}_{executionId}_{_guidCounter++}");

    public override async Task<T> CallChildWorkflowAsync<T>(string name, object? input = null, ChildWorkflowTaskOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var serializedInput = WorkflowJson.Serialize(input);
        var childId = options?.InstanceId ?? NewGuid().ToString();
        return await WithRetries(options?.RetryPolicy, () =>
        {
            var id = NextActionId();
            PendingActions.Add(id, new OrchestratorAction
            {
                Id = id,
                CreateSubOrchestration = new CreateSubOrchestrationAction { InstanceId = childId, Name = name, Input = serializedInput },
            });
            return Open<T>(id, $"Child workflow '{name}' ('{childId}', task #{id})");
        });
    }

    public override ILogger CreateReplaySafeLogger<T>() => new ReplaySafeLogger(this, loggerFactory.CreateLogger<T>());

    private Task<T> Open<T>(int id, string description)
    {
        var task = new OpenTask<T>(description);
        OpenTasks.Add(id, task);
        return task.Task;
    }

    private async Task<T> WithRetries<T>(WorkflowRetryPolicy? policy, Func<Task<T>> attempt)
    {
        for (var number = 1; ; number++)
        {
            try
            {
                return await attempt();
            }
            catch (WorkflowTaskFailedException) when (policy is not null && number < policy.MaxNumberOfAttempts)
            {
                await CreateTimer(policy.DelayBeforeRetry(number));
            }
        }
    }

    // Event payloads are kept as JSON until the waiter's type is known.
    private static async Task<T> Convert<T>(Task<string?> raw) => WorkflowJson.Deserialize<T>(await raw)!;
}
