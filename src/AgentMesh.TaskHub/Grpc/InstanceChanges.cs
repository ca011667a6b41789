using AgentMesh.TaskHub.Backend;

namespace AgentMesh.TaskHub.Grpc;

/// <summary>Wakes the server-side blocking waits (WaitForInstanceStart/Completion) whenever the hub stored something.</summary>
internal sealed class InstanceChanges : IDisposable
{
    private readonly ITaskHubBackend _backend;
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public InstanceChanges(ITaskHubBackend backend)
    {
        _backend = backend;
        backend.WorkAvailable += Changed;
    }

    /// <summary>A task that completes at the next change (or after <paramref name="timeout"/>).</summary>
    public Task NextAsync(TimeSpan timeout, CancellationToken cancellationToken)
        => Volatile.Read(ref _next).Task.WaitAsync(timeout, cancellationToken).ContinueWith(_ => { }, cancellationToken, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    public void Dispose() => _backend.WorkAvailable -= Changed;

    private void Changed() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
