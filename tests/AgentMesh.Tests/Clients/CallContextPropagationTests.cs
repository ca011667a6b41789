using System.Collections.Concurrent;
using AgentMesh.Clients;
using AgentMesh.Contracts.V1;
using AgentMesh.Services.Orchestrator;
using AgentMesh.Services.State;
using AgentMesh.Tests.Hosting;
using AgentMesh.Tests.ToolHost;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;
using OrchestratorContract = AgentMesh.Contracts.V1.Orchestrator;
using StateContract = AgentMesh.Contracts.V1.State;

namespace AgentMesh.Tests.Clients;

/// <summary>
/// The Orchestrator's calls to State carry the incoming call's deadline and end when the incoming
/// call ends (Grpc.Net.ClientFactory call-context propagation), over real gRPC on loopback.
/// </summary>
public sealed class CallContextPropagationTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly StateCallRecorder _recorder = new();
    private TestGrpcHost _host = null!;
    private OrchestratorContract.OrchestratorClient _orchestrator = null!;

    public async Task InitializeAsync()
    {
        _host = await TestGrpcHost.StartAsync(
            services =>
            {
                services.AddSingleton(_recorder);
                services.AddGrpc(o => o.Interceptors.Add<StateCallRecorder>());
                services.AddSqliteStateStore(Path.Combine(_dir.Path, "state.db"));
                services.AddStateService();
                services.AddMeshOptions().Configure(o => o.AllInOne = true);
                services.AddOrchestrator(new WorkflowEngineOptions { TaskHubPath = Path.Combine(_dir.Path, "taskhub.db") }, o => o.KnownRoles = ["writer"]);
            },
            endpoints =>
            {
                endpoints.MapStateService();
                endpoints.MapOrchestrator();
            });
        _orchestrator = new OrchestratorContract.OrchestratorClient(_host.Channel);
        var run = new Run { RunId = "waiting", Status = RunStatus.Running, Goal = "never ends" };
        await new StateContract.StateClient(_host.Channel).SaveRunAsync(new SaveRunRequest { Run = run });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task The_incoming_deadline_reaches_State()
    {
        var deadline = DateTime.UtcNow.AddSeconds(2);
        using var watch = _orchestrator.WatchRun(new WatchRunRequest { RunId = "waiting" }, deadline: deadline);
        var error = await Assert.ThrowsAsync<RpcException>(() => watch.ResponseStream.MoveNext().WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        var read = await _recorder.EndedAsync("ReadRunEvents");
        Assert.InRange(read.Deadline, deadline.AddSeconds(-1), deadline.AddSeconds(1));
    }

    [Fact]
    public async Task A_cancelled_incoming_call_cancels_its_call_to_State()
    {
        using var cancel = new CancellationTokenSource();
        using var watch = _orchestrator.WatchRun(new WatchRunRequest { RunId = "waiting" }, cancellationToken: cancel.Token);
        var next = watch.ResponseStream.MoveNext();
        await _recorder.StartedAsync("ReadRunEvents");
        await cancel.CancelAsync();

        Assert.Equal(StatusCode.Cancelled, (await Assert.ThrowsAsync<RpcException>(() => next.WaitAsync(TimeSpan.FromSeconds(30)))).StatusCode);
        var read = await _recorder.EndedAsync("ReadRunEvents");
        Assert.True(read.Cancelled);
        Assert.Equal(DateTime.MaxValue, read.Deadline);
    }

    /// <summary>A server interceptor that records, per State method, the deadline it saw and whether it ended cancelled.</summary>
    private sealed class StateCallRecorder : Interceptor
    {
        private readonly ConcurrentDictionary<string, TaskCompletionSource> _started = new();
        private readonly ConcurrentDictionary<string, TaskCompletionSource<(DateTime Deadline, bool Cancelled)>> _ended = new();

        public Task StartedAsync(string method) => Started(method).Task.WaitAsync(TimeSpan.FromSeconds(30));

        public Task<(DateTime Deadline, bool Cancelled)> EndedAsync(string method) => Ended(method).Task.WaitAsync(TimeSpan.FromSeconds(30));

        public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
            TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
        {
            var method = context.Method.StartsWith("/agentmesh.v1.State/", StringComparison.Ordinal) ? context.Method.Split('/')[2] : null;
            if (method is not null)
            {
                Started(method).TrySetResult();
            }

            try
            {
                await continuation(request, responseStream, context);
            }
            finally
            {
                if (method is not null)
                {
                    Ended(method).TrySetResult((context.Deadline, context.CancellationToken.IsCancellationRequested));
                }
            }
        }

        private TaskCompletionSource Started(string method) => _started.GetOrAdd(method, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));

        private TaskCompletionSource<(DateTime, bool)> Ended(string method) => _ended.GetOrAdd(method, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));
    }
}
