using AgentMesh.TaskHub.Backend;
using AgentMesh.TaskHub.Turns;

namespace AgentMesh.TaskHub.Dispatch;

/// <summary>A work item sent to a worker and not yet completed: a workflow turn or an activity.</summary>
internal sealed record InFlightWork(WorkerConnection Connection, WorkflowTurn? Turn, ActivityWorkItem? Activity);
