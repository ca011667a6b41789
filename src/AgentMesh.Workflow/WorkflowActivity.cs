using AgentMesh.Workflow.Serialization;

namespace AgentMesh.Workflow;

/// <summary>
/// A unit of work a workflow schedules with <see cref="WorkflowContext.CallActivityAsync{T}"/>.
/// Created per execution from DI (constructor injection). Runs at least once: after a crash an
/// activity whose result was not recorded runs again, so make it idempotent.
/// </summary>
/// <typeparam name="TInput">Input type, deserialized from JSON.</typeparam>
/// <typeparam name="TOutput">Output type, serialized to JSON.</typeparam>
public abstract class WorkflowActivity<TInput, TOutput> : IActivityBody
{
    /// <summary>Runs the activity. An exception becomes a TaskFailed event in the workflow's history.</summary>
    public abstract Task<TOutput> RunAsync(WorkflowActivityContext context, TInput input);

    async Task<object?> IActivityBody.RunAsync(WorkflowActivityContext context, string? serializedInput)
    {
        var input = WorkflowJson.Deserialize<TInput>(serializedInput);
        return await RunAsync(context, input!).ConfigureAwait(false);
    }
}

/// <summary>Type-erased entry point the activity worker calls.</summary>
internal interface IActivityBody
{
    Task<object?> RunAsync(WorkflowActivityContext context, string? serializedInput);
}
