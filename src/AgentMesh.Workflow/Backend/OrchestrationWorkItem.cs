using AgentMesh.DurableTask.Protocol;

namespace AgentMesh.Workflow.Backend;

/// <summary>An instance locked for one episode: its history and the inbox events to deliver.</summary>
internal sealed record OrchestrationWorkItem(
    string InstanceId,
    string ExecutionId,
    string LockToken,
    IReadOnlyList<HistoryEvent> PastEvents,
    IReadOnlyList<InboxMessage> NewEvents);

/// <summary>An inbox row: its store id and event.</summary>
internal sealed record InboxMessage(long Id, HistoryEvent Event);
