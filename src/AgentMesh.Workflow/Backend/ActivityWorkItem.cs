using AgentMesh.DurableTask.Protocol;

namespace AgentMesh.Workflow.Backend;

/// <summary>An activity locked for one run. <see cref="TaskScheduled"/>'s eventId is the task id.</summary>
internal sealed record ActivityWorkItem(long Id, string InstanceId, string ExecutionId, string LockToken, HistoryEvent TaskScheduled);
