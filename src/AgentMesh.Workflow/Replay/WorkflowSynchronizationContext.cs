namespace AgentMesh.Workflow.Replay;

/// <summary>
/// Runs workflow continuations on the executor's thread, in the order they were posted, when the
/// executor drains the queue; this keeps replay single-threaded and deterministic.
/// </summary>
internal sealed class WorkflowSynchronizationContext : SynchronizationContext
{
    private readonly Queue<(SendOrPostCallback Callback, object? State)> _queue = new();

    public override void Post(SendOrPostCallback d, object? state) => _queue.Enqueue((d, state));

    public override void Send(SendOrPostCallback d, object? state) => d(state);

    public override SynchronizationContext CreateCopy() => this;

    /// <summary>Runs queued continuations (and the ones they post) until none is left.</summary>
    public void Drain()
    {
        while (_queue.TryDequeue(out var item))
            item.Callback(item.State);
    }
}
