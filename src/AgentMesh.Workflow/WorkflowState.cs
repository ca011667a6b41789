using AgentMesh.DurableTask.Protocol;
using AgentMesh.Workflow.Serialization;

namespace AgentMesh.Workflow;

/// <summary>A snapshot of a workflow instance's metadata, as returned by <see cref="WorkflowClient"/>.</summary>
public sealed class WorkflowState
{
    private readonly OrchestrationState? _state;

    internal WorkflowState(OrchestrationState? state) => _state = state;

    /// <summary>False when the task hub has no such instance (all other members then hold defaults).</summary>
    public bool Exists => _state is not null;

    /// <summary>Instance id; empty when the instance does not exist.</summary>
    public string InstanceId => _state?.InstanceId ?? "";

    /// <summary>Registered workflow name.</summary>
    public string Name => _state?.Name ?? "";

    /// <summary>Runtime status; <see cref="WorkflowRuntimeStatus.Unknown"/> when the instance does not exist.</summary>
    public WorkflowRuntimeStatus RuntimeStatus => _state?.OrchestrationStatus.ToRuntimeStatus() ?? WorkflowRuntimeStatus.Unknown;

    /// <summary>When the instance was scheduled (UTC).</summary>
    public DateTimeOffset CreatedAt => _state?.CreatedTimestamp?.ToDateTimeOffset() ?? default;

    /// <summary>When the instance last changed (UTC).</summary>
    public DateTimeOffset LastUpdatedAt => _state?.LastUpdatedTimestamp?.ToDateTimeOffset() ?? default;

    /// <summary>The failure of a <see cref="WorkflowRuntimeStatus.Failed"/> instance; otherwise null.</summary>
    public WorkflowTaskFailureDetails? FailureDetails => WorkflowTaskFailureDetails.FromProto(_state?.FailureDetails);

    /// <summary>True for a Running instance.</summary>
    public bool IsWorkflowRunning => RuntimeStatus == WorkflowRuntimeStatus.Running;

    /// <summary>True for Completed, Failed, Canceled and Terminated instances.</summary>
    public bool IsWorkflowCompleted => _state?.OrchestrationStatus.IsTerminal() ?? false;

    /// <summary>Raw JSON of the input; null when absent or not requested.</summary>
    public string? SerializedInput => _state?.Input;

    /// <summary>Raw JSON of the output; null when absent or not requested.</summary>
    public string? SerializedOutput => _state?.Output;

    /// <summary>Raw JSON of the custom status; null when unset or not requested.</summary>
    public string? SerializedCustomStatus => _state?.CustomStatus;

    /// <summary>Deserializes the input (System.Text.Json, web defaults); default when absent.</summary>
    public T? ReadInputAs<T>() => WorkflowJson.Deserialize<T>(SerializedInput);

    /// <summary>Deserializes the output; for a terminated instance, the terminate output. Default when absent.</summary>
    public T? ReadOutputAs<T>() => WorkflowJson.Deserialize<T>(SerializedOutput);

    /// <summary>Deserializes the custom status; default when unset.</summary>
    public T? ReadCustomStatusAs<T>() => WorkflowJson.Deserialize<T>(SerializedCustomStatus);
}
