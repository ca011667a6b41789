using AgentMesh.DurableTask.Protocol;

namespace AgentMesh.Workflow.Replay;

/// <summary>What replaying an instance decided: new actions (the completion last, if any), custom status, suspension.</summary>
internal sealed record ExecutionResult(IReadOnlyList<OrchestratorAction> Actions, string? CustomStatus, bool IsSuspended)
{
    public CompleteOrchestrationAction? Completion => Actions.LastOrDefault()?.CompleteOrchestration;
}
