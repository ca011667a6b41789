using AgentMesh.Contracts.V1;
using Google.Protobuf;
using Grpc.Core;

namespace AgentMesh.Services.Agents.Loop;

/// <summary>
/// Writes one step's checkpoints to State in order, each with the etag the previous write returned, without
/// making the loop wait: <see cref="Save"/> queues a snapshot and returns; while a write is in flight only the
/// newest queued snapshot is kept (it contains the older ones). <see cref="SavedAsync"/> completes once every
/// snapshot queued so far is durable, and throws what a failed write threw (a failure sticks: later writes
/// would carry a stale etag).
/// </summary>
public sealed class CheckpointSaver(State.StateClient state, string key, string etag, CallOptions call)
{
    private readonly Lock _gate = new();
    private byte[]? _queued;
    private Task _writes = Task.CompletedTask;
    private bool _writing;

    /// <summary>Queues a snapshot of <paramref name="checkpoint"/> (taken now) to be written after those queued before it.</summary>
    public void Save(StepCheckpoint checkpoint)
    {
        var snapshot = checkpoint.ToBytes();
        lock (_gate)
        {
            _queued = snapshot;
            if (_writing || _writes.IsFaulted)
                return;
            _writing = true;
            _writes = WriteAsync();
        }
    }

    /// <summary>Completes when every snapshot queued so far has been written; throws a failed write's exception.</summary>
    public Task SavedAsync()
    {
        lock (_gate)
            return _writes;
    }

    private async Task WriteAsync()
    {
        try
        {
            while (true)
            {
                byte[] snapshot;
                lock (_gate)
                {
                    if (_queued is null)
                    {
                        _writing = false;
                        return;
                    }
                    snapshot = _queued;
                    _queued = null;
                }
                var saved = await state.SaveCheckpointAsync(
                    new SaveCheckpointRequest { Key = key, Data = ByteString.CopyFrom(snapshot), Etag = etag }, call).ConfigureAwait(false);
                etag = saved.Etag;
            }
        }
        catch
        {
            lock (_gate)
                _writing = false;
            throw;
        }
    }
}
