using AgentMesh.TaskHub.Protocol;

namespace AgentMesh.TaskHub.Backend;

/// <summary>
/// An instance locked for one turn: its status, its history and the inbox events to deliver.
/// <see cref="LockToken"/> is the completion token the worker echoes back.
/// </summary>
internal sealed record OrchestrationWorkItem(
    string InstanceId,
    string ExecutionId,
    OrchestrationStatus Status,
    string LockToken,
    IReadOnlyList<HistoryEvent> PastEvents,
    IReadOnlyList<InboxMessage> NewEvents);

/// <summary>An inbox row: its store id and event.</summary>
internal sealed record InboxMessage(long Id, HistoryEvent Event);
