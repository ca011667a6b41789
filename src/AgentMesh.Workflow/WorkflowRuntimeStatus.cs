using AgentMesh.DurableTask.Protocol;

namespace AgentMesh.Workflow;

/// <summary>Runtime status of a workflow instance (Dapr's WorkflowRuntimeStatus).</summary>
public enum WorkflowRuntimeStatus
{
    /// <summary>Not known (no such instance, or a status this version does not know).</summary>
    Unknown = -1,
    /// <summary>Started and not finished.</summary>
    Running,
    /// <summary>Finished with an output.</summary>
    Completed,
    /// <summary>Restarted with new input (transient).</summary>
    ContinuedAsNew,
    /// <summary>Finished with an unhandled error.</summary>
    Failed,
    /// <summary>Canceled.</summary>
    Canceled,
    /// <summary>Stopped by <see cref="WorkflowClient.TerminateWorkflowAsync"/>.</summary>
    Terminated,
    /// <summary>Scheduled, not started yet.</summary>
    Pending,
    /// <summary>Paused by <see cref="WorkflowClient.SuspendWorkflowAsync"/>.</summary>
    Suspended,
}

internal static class WorkflowRuntimeStatusMapping
{
    public static WorkflowRuntimeStatus ToRuntimeStatus(this OrchestrationStatus status) => status switch
    {
        OrchestrationStatus.Running => WorkflowRuntimeStatus.Running,
        OrchestrationStatus.Completed => WorkflowRuntimeStatus.Completed,
        OrchestrationStatus.ContinuedAsNew => WorkflowRuntimeStatus.ContinuedAsNew,
        OrchestrationStatus.Failed => WorkflowRuntimeStatus.Failed,
        OrchestrationStatus.Canceled => WorkflowRuntimeStatus.Canceled,
        OrchestrationStatus.Terminated => WorkflowRuntimeStatus.Terminated,
        OrchestrationStatus.Pending => WorkflowRuntimeStatus.Pending,
        OrchestrationStatus.Suspended => WorkflowRuntimeStatus.Suspended,
        _ => WorkflowRuntimeStatus.Unknown,
    };

    public static bool IsTerminal(this OrchestrationStatus status) => status is OrchestrationStatus.Completed
        or OrchestrationStatus.Failed or OrchestrationStatus.Canceled or OrchestrationStatus.Terminated;
}
