namespace AgentMesh.Workflow;

/// <summary>Thrown into workflow code when an activity or child workflow it awaited failed.</summary>
public sealed class WorkflowTaskFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WorkflowTaskFailedException(string message, WorkflowTaskFailureDetails failureDetails)
        : base(message) => FailureDetails = failureDetails;

    /// <summary>The failure recorded in history (error type, message, stack trace of the task).</summary>
    public WorkflowTaskFailureDetails FailureDetails { get; }
}
