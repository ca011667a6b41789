using System.Collections.Concurrent;
using AgentMesh.Clients;
using AgentMesh.Contracts.V1;
using AgentMesh.Tests.Hosting;
using AgentMesh.Tests.ToolHost;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StateContract = AgentMesh.Contracts.V1.State;

namespace AgentMesh.Tests.Clients;

/// <summary>
/// A client from <see cref="MeshClientsRegistration.AddMeshClient{TClient}"/> retries UNAVAILABLE for
/// a method the proto marks NO_SIDE_EFFECTS (gRPC service config) and never for one with side
/// effects; the server is the real State service on loopback, made to answer UNAVAILABLE once.
/// </summary>
public sealed class MeshClientRetryTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly FailOnce _failOnce = new();
    private TestGrpcHost _host = null!;
    private ServiceProvider _clients = null!;

    public async Task InitializeAsync()
    {
        _host = await TestGrpcHost.StartStateAsync(Path.Combine(_dir.Path, "state.db"), _failOnce);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Mesh:State"] = _host.Address }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddMeshClient<StateContract.StateClient>(MeshService.State);
        _clients = services.BuildServiceProvider();
        await _clients.GetRequiredService<StateContract.StateClient>().SaveRunAsync(new SaveRunRequest { Run = new Run { RunId = "r1" } });
    }

    public async Task DisposeAsync()
    {
        await _clients.DisposeAsync();
        await _host.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_call_free_of_side_effects_is_retried_after_UNAVAILABLE()
    {
        _failOnce.Arm("GetRun");
        var record = await _clients.GetRequiredService<StateContract.StateClient>().GetRunAsync(new GetRunRecordRequest { RunId = "r1" });

        Assert.Equal("r1", record.Run.RunId);
        Assert.Equal(2, _failOnce.Attempts("GetRun"));
    }

    [Fact]
    public async Task A_call_with_side_effects_is_not_retried()
    {
        _failOnce.Arm("AppendRunEvents");
        var error = await Assert.ThrowsAsync<RpcException>(() => _clients.GetRequiredService<StateContract.StateClient>()
            .AppendRunEventsAsync(new AppendRunEventsRequest { RunId = "r1", Events = { new RunEvent() } }).ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal(1, _failOnce.Attempts("AppendRunEvents"));
    }

    /// <summary>Answers the first call of an armed State method with UNAVAILABLE and counts attempts.</summary>
    private sealed class FailOnce : Interceptor
    {
        private readonly ConcurrentDictionary<string, int> _attempts = new();
        private readonly ConcurrentDictionary<string, bool> _armed = new();

        public void Arm(string method) => _armed[method] = true;

        public int Attempts(string method) => _attempts.GetValueOrDefault(method);

        public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
        {
            var method = context.Method.Split('/')[2];
            _attempts.AddOrUpdate(method, 1, (_, n) => n + 1);
            return _armed.TryRemove(method, out _)
                ? throw new RpcException(new Status(StatusCode.Unavailable, "failing once on purpose"))
                : continuation(request, context);
        }
    }
}
