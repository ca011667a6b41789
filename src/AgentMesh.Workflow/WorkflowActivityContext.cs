namespace AgentMesh.Workflow;

/// <summary>What an activity execution knows about itself.</summary>
public abstract class WorkflowActivityContext
{
    /// <summary>Id of the workflow instance that scheduled the activity.</summary>
    public abstract string InstanceId { get; }

    /// <summary>Registered activity name.</summary>
    public abstract string Name { get; }

    /// <summary>Id of this task execution, stable across retries of delivery (Dapr's taskExecutionId).</summary>
    public abstract string TaskExecutionId { get; }

    /// <summary>Fires when the worker shuts down; the activity is then abandoned and re-run after restart.</summary>
    public abstract CancellationToken CancellationToken { get; }
}

internal sealed class ActivityExecutionContext(string instanceId, string name, string taskExecutionId, CancellationToken cancellationToken)
    : WorkflowActivityContext
{
    public override string InstanceId => instanceId;
    public override string Name => name;
    public override string TaskExecutionId => taskExecutionId;
    public override CancellationToken CancellationToken => cancellationToken;
}
