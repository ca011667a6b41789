using AgentMesh.Workflow.Serialization;

namespace AgentMesh.Workflow;

/// <summary>
/// A durable workflow in the Dapr Workflow programming model. <see cref="RunAsync"/> is replayed
/// from history: it must be deterministic and do all I/O through activities, timers and events of
/// the <see cref="WorkflowContext"/>. Register with <see cref="WorkflowRuntimeOptions.RegisterWorkflow{TWorkflow}(string?)"/>.
/// </summary>
/// <typeparam name="TInput">Input type, deserialized from JSON (System.Text.Json, web defaults).</typeparam>
/// <typeparam name="TOutput">Output type, serialized to JSON.</typeparam>
public abstract class Workflow<TInput, TOutput> : IWorkflowBody
{
    /// <summary>Runs (or replays) the workflow. Exceptions fail the instance.</summary>
    public abstract Task<TOutput> RunAsync(WorkflowContext context, TInput input);

    async Task<object?> IWorkflowBody.RunAsync(WorkflowContext context, string? serializedInput)
    {
        var input = WorkflowJson.Deserialize<TInput>(serializedInput);
        return await RunAsync(context, input!);
    }
}

/// <summary>Type-erased entry point the replay engine calls.</summary>
internal interface IWorkflowBody
{
    Task<object?> RunAsync(WorkflowContext context, string? serializedInput);
}
