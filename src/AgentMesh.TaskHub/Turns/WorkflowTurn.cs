using AgentMesh.TaskHub.Backend;
using AgentMesh.TaskHub.Protocol;
using Google.Protobuf.WellKnownTypes;

namespace AgentMesh.TaskHub.Turns;

/// <summary>
/// One turn of a workflow instance as the hub sends it to a worker: its past events, and the new
/// events of this turn, which begin with WorkflowStarted (its timestamp is the workflow's clock).
/// </summary>
internal sealed class WorkflowTurn
{
    private WorkflowTurn(OrchestrationWorkItem workItem, HistoryEvent workflowStarted, IReadOnlyList<HistoryEvent> newEvents)
    {
        WorkItem = workItem;
        WorkflowStarted = workflowStarted;
        NewEvents = newEvents;
    }

    /// <summary>The locked instance; its <see cref="OrchestrationWorkItem.NewEvents"/> are exactly the inbox rows this turn delivers.</summary>
    public OrchestrationWorkItem WorkItem { get; }

    /// <summary>The WorkflowStarted event opening the turn (the worker's answer adds its version).</summary>
    public HistoryEvent WorkflowStarted { get; }

    /// <summary>The inbox events delivered, in delivery order (without WorkflowStarted).</summary>
    public IReadOnlyList<HistoryEvent> NewEvents { get; }

    /// <summary>
    /// The turn for <paramref name="workItem"/> at <paramref name="now"/>. Delivery follows the
    /// suspension rules: while suspended only a resume or terminate releases events (resume first,
    /// then what was held); a suspension ends the batch it is in; a termination comes last, so the
    /// worker sees it as the latest event.
    /// </summary>
    public static WorkflowTurn Create(OrchestrationWorkItem workItem, Timestamp now)
    {
        var messages = workItem.NewEvents.ToList();
        var terminate = messages.Where(m => m.Event.ExecutionTerminated is not null).ToList();
        var resume = messages.Where(m => m.Event.ExecutionResumed is not null).ToList();
        var rest = messages.Except(terminate).Except(resume).ToList();
        List<InboxMessage> delivered;
        if (terminate.Count > 0)
        {
            delivered = [.. resume, .. rest, terminate[0]];
        }
        else
        {
            delivered = [.. resume];
            foreach (var message in rest)
            {
                delivered.Add(message);
                if (message.Event.ExecutionSuspended is not null)
                    break;
            }
        }

        var trimmed = workItem with { NewEvents = delivered };
        var started = new HistoryEvent { EventId = -1, Timestamp = now, WorkflowStarted = new WorkflowStartedEvent() };
        return new WorkflowTurn(trimmed, started, delivered.Select(m => m.Event).ToList());
    }

    /// <summary>The request sent to the worker.</summary>
    public WorkflowRequest ToRequest()
    {
        var request = new WorkflowRequest { InstanceId = WorkItem.InstanceId, ExecutionId = WorkItem.ExecutionId };
        request.PastEvents.AddRange(WorkItem.PastEvents);
        request.NewEvents.Add(WorkflowStarted);
        request.NewEvents.AddRange(NewEvents);
        return request;
    }
}
