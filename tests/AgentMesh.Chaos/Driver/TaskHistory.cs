using System.Text.Json;
using AgentMesh.Chaos.Workflows;
using Dapr.DurableTask.Protobuf;

namespace AgentMesh.Chaos.Driver;

/// <summary>The result of a task as the hub committed it: the nonce of the execution that produced it, and the TaskCompleted timestamp (Unix ms).</summary>
public sealed record CommittedResult(string Nonce, long CommittedAtMs);

/// <summary>
/// What one instance's recorded history says about its work: each TaskScheduled (task id → step key),
/// each TaskCompleted (task id → <see cref="CommittedResult"/>), timers fired and events received.
/// </summary>
public sealed class TaskHistory
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Step key of each scheduled task, by task id (the TaskScheduled event id).</summary>
    public Dictionary<int, string> Scheduled { get; } = [];

    /// <summary>Committed result of each completed task, by task id (TaskCompleted's taskScheduledId).</summary>
    public Dictionary<int, CommittedResult> Completed { get; } = [];

    /// <summary>TimerFired events.</summary>
    public int TimersFired { get; set; }

    /// <summary>Ids of TimerCreated events without their TimerFired (e.g. the timeout of an event that came in time).</summary>
    public HashSet<int> PendingTimers { get; } = [];

    /// <summary>EventRaised events.</summary>
    public int EventsRaised { get; set; }

    /// <summary>Things a history must never hold (a task completed twice or never, a failed task, a result of no scheduled task, a timer fired twice).</summary>
    public List<string> Anomalies { get; } = [];

    /// <summary>Reads <paramref name="events"/> (one instance's history, in order).</summary>
    public static TaskHistory From(IEnumerable<HistoryEvent> events)
    {
        var history = new TaskHistory();
        foreach (var e in events)
        {
            switch (e.EventTypeCase)
            {
                case HistoryEvent.EventTypeOneofCase.TaskScheduled:
                    history.Scheduled[e.EventId] = JsonSerializer.Deserialize<StepInput>(e.TaskScheduled.Input, Json)?.Key ?? "";
                    break;
                case HistoryEvent.EventTypeOneofCase.TaskCompleted:
                    var id = e.TaskCompleted.TaskScheduledId;
                    var nonce = JsonSerializer.Deserialize<StepOutput>(e.TaskCompleted.Result, Json)?.Nonce ?? "";
                    if (!history.Scheduled.ContainsKey(id))
                        history.Anomalies.Add($"TaskCompleted for task {id}, which was never scheduled");
                    if (!history.Completed.TryAdd(id, new CommittedResult(nonce, e.Timestamp.ToDateTimeOffset().ToUnixTimeMilliseconds())))
                        history.Anomalies.Add($"task {id} completed twice (results {history.Completed[id].Nonce} and {nonce})");
                    break;
                case HistoryEvent.EventTypeOneofCase.TaskFailed:
                    history.Anomalies.Add($"task {e.TaskFailed.TaskScheduledId} failed: {e.TaskFailed.FailureDetails?.ErrorMessage}");
                    break;
                case HistoryEvent.EventTypeOneofCase.TimerCreated:
                    history.PendingTimers.Add(e.EventId);
                    break;
                case HistoryEvent.EventTypeOneofCase.TimerFired:
                    history.TimersFired++;
                    if (!history.PendingTimers.Remove(e.TimerFired.TimerId))
                        history.Anomalies.Add($"timer {e.TimerFired.TimerId} fired, but it was not pending (never created, or fired twice)");
                    break;
                case HistoryEvent.EventTypeOneofCase.EventRaised:
                    history.EventsRaised++;
                    break;
            }
        }

        foreach (var id in history.Scheduled.Keys.Where(id => !history.Completed.ContainsKey(id)))
            history.Anomalies.Add($"task {id} ({history.Scheduled[id]}) was scheduled but never completed");
        return history;
    }
}
