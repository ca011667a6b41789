using AgentMesh.TaskHub.Protocol;

namespace AgentMesh.TaskHub.Backend;

/// <summary>
/// An activity locked for one run. <see cref="TaskScheduled"/>'s eventId is the task id;
/// <see cref="LockToken"/> is the completion token the worker echoes back.
/// </summary>
internal sealed record ActivityWorkItem(long Id, string InstanceId, string ExecutionId, string LockToken, HistoryEvent TaskScheduled);
