using AgentMesh.DurableTask.Protocol;
using AgentMesh.Workflow.Serialization;

namespace AgentMesh.Workflow.Replay;

/// <summary>A task the workflow awaits, completed by a history event.</summary>
internal interface IOpenTask
{
    void Complete(string? serializedResult);
    void Fail(TaskFailureDetails failure);
    void Cancel();
}

/// <summary>An awaited activity, timer, child workflow or external event, with a JSON result of type <typeparamref name="T"/>.</summary>
internal sealed class OpenTask<T>(string description) : IOpenTask
{
    private readonly TaskCompletionSource<T> _source = new();

    public Task<T> Task => _source.Task;

    public void Complete(string? serializedResult)
    {
        T? value;
        try
        {
            value = WorkflowJson.Deserialize<T>(serializedResult);
        }
        catch (Exception ex)
        {
            _source.TrySetException(ex);
            return;
        }
        _source.TrySetResult(value!);
    }

    public void Fail(TaskFailureDetails failure)
    {
        var details = WorkflowTaskFailureDetails.FromProto(failure)!;
        _source.TrySetException(new WorkflowTaskFailedException(
            $"{description} failed with an unhandled exception: {details.ErrorMessage}", details));
    }

    public void Cancel() => _source.TrySetCanceled();
}
