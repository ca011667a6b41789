using System.Collections.Concurrent;
using AgentMesh.TaskHub.Backend;

namespace AgentMesh.TaskHub.Grpc;

/// <summary>
/// Wakes the server-side blocking waits (WaitForInstanceStart/Completion) of an instance when a commit
/// changed that instance, and only those.
/// </summary>
internal sealed class InstanceChanges : IDisposable
{
    private readonly ITaskHubBackend _backend;
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waits = new(StringComparer.Ordinal);

    public InstanceChanges(ITaskHubBackend backend)
    {
        _backend = backend;
        backend.InstancesChanged += Changed;
    }

    /// <summary>
    /// A task that completes at the next change of <paramref name="instanceId"/> committed after this call
    /// (or after <paramref name="timeout"/>, or when cancelled; it never faults).
    /// </summary>
    public Task NextAsync(string instanceId, TimeSpan timeout, CancellationToken cancellationToken)
        => _waits.GetOrAdd(instanceId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task
            .WaitAsync(timeout, cancellationToken)
            .ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    public void Dispose() => _backend.InstancesChanged -= Changed;

    private void Changed(IReadOnlyCollection<string> instanceIds)
    {
        foreach (var id in instanceIds)
        {
            if (_waits.TryRemove(id, out var wait))
                wait.TrySetResult();
        }
    }
}
