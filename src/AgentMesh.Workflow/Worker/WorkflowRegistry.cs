namespace AgentMesh.Workflow.Worker;

/// <summary>Registered workflow and activity types by name (from <see cref="WorkflowRuntimeOptions"/>).</summary>
internal sealed class WorkflowRegistry(WorkflowRuntimeOptions options)
{
    public IReadOnlyDictionary<string, Type> Workflows { get; } = new Dictionary<string, Type>(options.Workflows, StringComparer.Ordinal);
    public IReadOnlyDictionary<string, Type> Activities { get; } = new Dictionary<string, Type>(options.Activities, StringComparer.Ordinal);
}
