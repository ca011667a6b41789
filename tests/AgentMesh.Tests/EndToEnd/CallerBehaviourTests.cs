using AgentMesh.Cli.Hosting;
using AgentMesh.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;
using OrchestratorContract = AgentMesh.Contracts.V1.Orchestrator;

namespace AgentMesh.Tests.EndToEnd;

/// <summary>
/// What callers rely on, over real gRPC to the all-in-one host: deadlines end calls with
/// DEADLINE_EXCEEDED, a watch the client cancels ends without harm to the run, and a request over
/// the 4 MiB receive limit is refused with RESOURCE_EXHAUSTED.
/// </summary>
public sealed class CallerBehaviourTests : IAsyncLifetime
{
    private readonly ExampleScenario _scenario = new();
    private MeshHost _host = null!;
    private GrpcChannel _channel = null!;
    private OrchestratorContract.OrchestratorClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await MeshHost.StartAsync(_scenario.HostOptions());
        _channel = GrpcChannel.ForAddress(_host.Address);
        _client = new OrchestratorContract.OrchestratorClient(_channel);
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _host.DisposeAsync();
        _scenario.Dispose();
    }

    [Fact]
    public async Task A_watch_past_its_deadline_ends_with_DEADLINE_EXCEEDED_and_the_run_goes_on()
    {
        var runId = await StartRunWaitingForApprovalAsync();

        using var watch = _client.WatchRun(new WatchRunRequest { RunId = runId }, deadline: DateTime.UtcNow.AddMilliseconds(700));
        var error = await Assert.ThrowsAsync<RpcException>(() => DrainAsync(watch));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.Equal(RunStatus.Completed, await ApproveAndWaitAsync(runId));
    }

    [Fact]
    public async Task A_watch_the_client_cancels_ends_CANCELLED_and_the_run_goes_on()
    {
        var runId = await StartRunWaitingForApprovalAsync();

        using var cancel = new CancellationTokenSource();
        using var watch = _client.WatchRun(new WatchRunRequest { RunId = runId }, cancellationToken: cancel.Token);
        Assert.True(await watch.ResponseStream.MoveNext());
        await cancel.CancelAsync();
        var error = await Assert.ThrowsAsync<RpcException>(() => DrainAsync(watch));

        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        Assert.Equal(RunStatus.Completed, await ApproveAndWaitAsync(runId));
    }

    [Fact]
    public async Task A_request_over_4_MiB_is_refused_with_RESOURCE_EXHAUSTED_and_one_under_it_is_served()
    {
        var tooLarge = new StartRunRequest { Goal = new string('g', 4 * 1024 * 1024 + 1) };
        var error = await Assert.ThrowsAsync<RpcException>(() => _client.StartRunAsync(tooLarge).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);

        // 3 MiB reaches the handler, which refuses the id with a message that does not echo it whole.
        var served = await Assert.ThrowsAsync<RpcException>(() => _client.GetRunAsync(new GetRunRequest { RunId = new string('r', 3 * 1024 * 1024) }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, served.StatusCode);
        Assert.True(served.Status.Detail.Length < 200, served.Status.Detail);
    }

    private async Task<string> StartRunWaitingForApprovalAsync()
    {
        var runId = (await _client.StartRunAsync(new StartRunRequest { Goal = ExampleScenario.Goal })).RunId;
        await RunObserver.WatchAsync(_client, runId, stopWhen: e => e.StatusChanged is { Status: RunStatus.AwaitingApproval });
        return runId;
    }

    private async Task<RunStatus?> ApproveAndWaitAsync(string runId)
    {
        var events = await RunObserver.WatchAsync(_client, runId, decide: _ => true);
        return RunObserver.FinalStatus(events);
    }

    private static async Task DrainAsync(AsyncServerStreamingCall<RunEvent> call)
    {
        while (await call.ResponseStream.MoveNext().WaitAsync(TimeSpan.FromSeconds(30)))
        {
        }
    }
}
