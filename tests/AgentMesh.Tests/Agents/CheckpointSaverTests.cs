using AgentMesh.Contracts.V1;
using AgentMesh.Services.Agents.Loop;
using AgentMesh.Tests.Hosting;
using AgentMesh.Tests.ToolHost;
using Grpc.Core;
using Grpc.Core.Interceptors;
using StateContract = AgentMesh.Contracts.V1.State;

namespace AgentMesh.Tests.Agents;

/// <summary>
/// A step's checkpoint writes (<see cref="CheckpointSaver"/>) against the real State service over gRPC on
/// loopback with its SQLite store: in order, the newest snapshot winning while a write is in flight, and a
/// failed write failing every later wait.
/// </summary>
public sealed class CheckpointSaverTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly SaveGate _gate = new();
    private TestGrpcHost _host = null!;
    private StateContract.StateClient _state = null!;

    public async Task InitializeAsync()
    {
        _host = await TestGrpcHost.StartStateAsync(Path.Combine(_dir.Path, "state.db"), _gate);
        _state = new StateContract.StateClient(_host.Channel);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task While_a_write_is_in_flight_only_the_newest_snapshot_is_written_after_it()
    {
        var saver = new CheckpointSaver(_state, "run-1/A", "", new CallOptions());
        _gate.Hold();

        saver.Save(new StepCheckpoint { Turns = 1 });
        await _gate.FirstHeld.Task.WaitAsync(TimeSpan.FromSeconds(10));
        saver.Save(new StepCheckpoint { Turns = 2 });
        saver.Save(new StepCheckpoint { Turns = 3 });
        var saved = saver.SavedAsync();
        await Task.Delay(200);
        Assert.False(saved.IsCompleted);
        _gate.Release();
        await saved.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([1, 3], _gate.SavedTurns);
        Assert.Equal(3, await StoredTurnsAsync("run-1/A"));
    }

    [Fact]
    public async Task A_failed_write_fails_every_later_wait_and_writes_nothing_more()
    {
        var saver = new CheckpointSaver(_state, "run-2/A", "", new CallOptions());
        saver.Save(new StepCheckpoint { Turns = 1 });
        await saver.SavedAsync();
        var current = await _state.GetCheckpointAsync(new GetCheckpointRequest { Key = "run-2/A" });
        await _state.SaveCheckpointAsync(new SaveCheckpointRequest { Key = "run-2/A", Data = Google.Protobuf.ByteString.CopyFrom(new StepCheckpoint { Turns = 9 }.ToBytes()), Etag = current.Etag });

        saver.Save(new StepCheckpoint { Turns = 2 });
        var conflict = await Assert.ThrowsAsync<RpcException>(saver.SavedAsync);
        saver.Save(new StepCheckpoint { Turns = 3 });
        var later = await Assert.ThrowsAsync<RpcException>(saver.SavedAsync);

        Assert.Equal(StatusCode.Aborted, conflict.StatusCode);
        Assert.Same(conflict, later);
        Assert.Equal(9, await StoredTurnsAsync("run-2/A"));
        Assert.DoesNotContain(3, _gate.SavedTurns);
    }

    private async Task<int> StoredTurnsAsync(string key)
    {
        var stored = await _state.GetCheckpointAsync(new GetCheckpointRequest { Key = key });
        return StepCheckpoint.FromBytes(stored.Data.Span).Turns;
    }

    /// <summary>A State server interceptor that records each SaveCheckpoint's turns and can hold the first until released.</summary>
    private sealed class SaveGate : Interceptor
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private bool _hold;

        public TaskCompletionSource FirstHeld { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<int> SavedTurns { get; } = [];

        public void Hold() => _hold = true;

        public void Release() => _release.TrySetResult();

        public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
        {
            if (request is SaveCheckpointRequest save)
            {
                lock (SavedTurns)
                    SavedTurns.Add(StepCheckpoint.FromBytes(save.Data.Span).Turns);
                if (_hold && FirstHeld.TrySetResult())
                    await _release.Task;
            }
            return await continuation(request, context);
        }
    }
}
