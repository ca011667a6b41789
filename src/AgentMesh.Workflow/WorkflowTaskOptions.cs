namespace AgentMesh.Workflow;

/// <summary>Options of an activity call.</summary>
/// <param name="RetryPolicy">Retries on failure; null: no retry.</param>
public record WorkflowTaskOptions(WorkflowRetryPolicy? RetryPolicy = null);

/// <summary>Options of a child workflow call.</summary>
/// <param name="InstanceId">Child instance id; null: a deterministic <see cref="WorkflowContext.NewGuid"/>.</param>
/// <param name="RetryPolicy">Retries on failure, each attempt a new child instance; null: no retry.</param>
public record ChildWorkflowTaskOptions(string? InstanceId = null, WorkflowRetryPolicy? RetryPolicy = null)
    : WorkflowTaskOptions(RetryPolicy);
