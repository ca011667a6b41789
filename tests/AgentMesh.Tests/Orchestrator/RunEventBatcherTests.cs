using AgentMesh.Contracts.V1;
using AgentMesh.Services.Orchestrator.RunWorkflow;
using AgentMesh.State;
using Microsoft.Extensions.DependencyInjection;
using AgentMesh.Tests.Hosting;
using AgentMesh.Tests.ToolHost;
using Grpc.Core;
using StateContract = AgentMesh.Contracts.V1.State;

namespace AgentMesh.Tests.Orchestrator;

/// <summary>The Orchestrator's batched appends of a step's events, against the real State service over gRPC and a SQLite file.</summary>
public sealed class RunEventBatcherTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private TestGrpcHost _host = null!;

    private StateContract.StateClient State => new(_host.Channel);

    public async Task InitializeAsync() => _host = await TestGrpcHost.StartStateAsync(Path.Combine(_dir.Path, "state.db"));

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Events_added_while_an_append_is_in_flight_are_appended_in_order_and_durable_at_flush()
    {
        var batcher = new RunEventBatcher(new RunEventWriter(State), "run-1", CancellationToken.None);
        for (var turn = 1; turn <= 200; turn++)
            batcher.Add(new RunEvent { ModelTurn = new ModelTurn { StepId = "a", Turn = turn } });
        await batcher.FlushAsync();

        var stored = new List<RunEvent>();
        using var read = State.ReadRunEvents(new ReadRunEventsRequest { RunId = "run-1" });
        await foreach (var e in read.ResponseStream.ReadAllAsync())
            stored.Add(e);
        Assert.Equal(Enumerable.Range(1, 200), stored.Select(e => e.ModelTurn.Turn));
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), stored.Select(e => e.Sequence));
    }

    [Fact]
    public async Task A_refused_append_fails_the_flush_and_every_flush_after_it()
    {
        var batcher = new RunEventBatcher(new RunEventWriter(State), "bad/run id", CancellationToken.None);
        batcher.Add(new RunEvent { ModelTurn = new ModelTurn { StepId = "a", Turn = 1 } });

        var first = await Assert.ThrowsAsync<RpcException>(batcher.FlushAsync);
        batcher.Add(new RunEvent { ModelTurn = new ModelTurn { StepId = "a", Turn = 2 } });
        var second = await Assert.ThrowsAsync<RpcException>(batcher.FlushAsync);

        Assert.Equal(StatusCode.InvalidArgument, first.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, second.StatusCode);
    }
}
