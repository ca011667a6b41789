using System.Collections.Concurrent;
using System.Threading.Channels;
using AgentMesh.Contracts.V1;

namespace AgentMesh.Services.Orchestrator.Streaming;

/// <summary>
/// Hands the model deltas of running steps (RunStepActivity, in this process) to the watchers of their run that asked
/// for them (WatchRun with include_deltas, in this process). Nothing is kept: a run without watchers drops its deltas,
/// and each watcher has a bounded buffer of <see cref="Capacity"/> deltas that drops the oldest when the watcher reads
/// too slowly, so a slow watcher never slows a run; the next delta it gets says how many it missed.
/// </summary>
public sealed class RunDeltaHub
{
    /// <summary>Deltas one watcher may have unread before the oldest are dropped.</summary>
    public const int Capacity = 256;

    private readonly ConcurrentDictionary<string, ImmutableSubscribers> _runs = new(StringComparer.Ordinal);

    /// <summary>Sends <paramref name="delta"/> to the run's current watchers, without waiting for any.</summary>
    public void Publish(string runId, ModelDelta delta)
    {
        if (_runs.TryGetValue(runId, out var subscribers))
        {
            foreach (var subscriber in subscribers.Items)
            {
                subscriber.Offer(delta);
            }
        }
    }

    /// <summary>Starts receiving <paramref name="runId"/>'s deltas; dispose the subscription to stop.</summary>
    public Subscription Subscribe(string runId)
    {
        var subscription = new Subscription(this, runId);
        _runs.AddOrUpdate(runId, _ => new([subscription]), (_, s) => new([.. s.Items, subscription]));
        return subscription;
    }

    private void Remove(Subscription subscription)
    {
        while (_runs.TryGetValue(subscription.RunId, out var current))
        {
            var rest = current.Items.Where(s => s != subscription).ToArray();
            if (rest.Length == 0 ? _runs.TryRemove(new(subscription.RunId, current)) : _runs.TryUpdate(subscription.RunId, new(rest), current))
            {
                return;
            }
        }
    }

    private sealed record ImmutableSubscribers(Subscription[] Items);

    /// <summary>One watcher's deltas of one run, oldest first.</summary>
    public sealed class Subscription : IDisposable
    {
        private readonly RunDeltaHub _hub;
        private readonly Channel<ModelDelta> _deltas;
        private long _dropped;

        internal Subscription(RunDeltaHub hub, string runId)
        {
            _hub = hub;
            RunId = runId;
            _deltas = Channel.CreateBounded<ModelDelta>(
                new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
                _ => Interlocked.Increment(ref _dropped));
        }

        internal string RunId { get; }

        /// <summary>The next delta, with how many were dropped before it; waits until one comes.</summary>
        public async ValueTask<ModelDelta> ReadAsync(CancellationToken cancellationToken)
        {
            var delta = await _deltas.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var dropped = Interlocked.Exchange(ref _dropped, 0);
            return dropped == 0 ? delta : new ModelDelta(delta) { DroppedBefore = dropped };
        }

        internal void Offer(ModelDelta delta) => _deltas.Writer.TryWrite(delta);

        public void Dispose()
        {
            _hub.Remove(this);
            _deltas.Writer.TryComplete();
        }
    }
}
