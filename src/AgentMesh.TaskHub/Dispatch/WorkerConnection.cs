using System.Threading.Channels;
using AgentMesh.TaskHub.Protocol;

namespace AgentMesh.TaskHub.Dispatch;

/// <summary>
/// One open GetWorkItems stream of a worker: the work items queued for it and how many of each kind
/// it holds (sent, not yet completed).
/// </summary>
internal sealed class WorkerConnection
{
    private int _workflows;
    private int _activities;

    /// <summary>Work items to write to the stream, in order.</summary>
    public Channel<WorkItem> Outbox { get; } = Channel.CreateUnbounded<WorkItem>(new UnboundedChannelOptions { SingleReader = true });

    public int Workflows => Volatile.Read(ref _workflows);

    public int Activities => Volatile.Read(ref _activities);

    public void Took(bool workflow) => Interlocked.Increment(ref workflow ? ref _workflows : ref _activities);

    public void Released(bool workflow) => Interlocked.Decrement(ref workflow ? ref _workflows : ref _activities);
}
