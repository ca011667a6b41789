using Dapr.Workflow;

namespace AgentMesh.Bench.Workflows.Shapes;

/// <summary>Waits (without a timeout) for the external event "go" and returns its payload: the idle-instance memory shape.</summary>
public sealed class AwaitGoWorkflow : Workflow<string, string>
{
    /// <summary>The event that releases the workflow.</summary>
    public const string EventName = "go";

    public override Task<string> RunAsync(WorkflowContext context, string input) => context.WaitForExternalEventAsync<string>(EventName);
}
