using AgentMesh.State;
using AgentMesh.Tests.State.DaprStandIn;
using Dapr.Client;

namespace AgentMesh.Tests.State;

/// <summary>
/// <see cref="DaprStateStore"/> over a real <see cref="DaprClient"/> talking gRPC on loopback to
/// <see cref="DaprStateStandIn"/> (a stand-in for daprd, which cannot run here), both on the test's clock.
/// <see cref="StateStoreTarget.Reopen"/> gives a new client and store over the same sidecar data.
/// </summary>
public class DaprStandInTarget : StateStoreTarget
{
    private readonly List<DaprClient> _clients = [];

    public DaprStandInTarget()
        : this(transactionsIgnoreFirstWrite: false)
    {
    }

    protected DaprStandInTarget(bool transactionsIgnoreFirstWrite)
    {
        Sidecar = DaprStateStandIn.StartAsync(new DaprStateStandInOptions { Clock = Clock, TransactionsIgnoreFirstWrite = transactionsIgnoreFirstWrite })
            .GetAwaiter().GetResult();
    }

    public DaprStateStandIn Sidecar { get; }

    /// <summary>A store with its own client (as another process would have), over the same sidecar.</summary>
    public DaprStateStore OpenStore(DaprStateStoreOptions? options = null)
    {
        var client = new DaprClientBuilder().UseGrpcEndpoint(Sidecar.GrpcEndpoint).Build();
        _clients.Add(client);
        return new DaprStateStore(client, options, Clock);
    }

    public override void Dispose()
    {
        base.Dispose();
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        Sidecar.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    protected override IStateStore Create() => OpenStore();
}

/// <summary>
/// Like <see cref="DaprStandInTarget"/>, but the stand-in's transactions ignore first-write as the Redis
/// component's do, so create-only rests on the key index's ETags alone.
/// </summary>
public sealed class RedisLikeDaprStandInTarget() : DaprStandInTarget(transactionsIgnoreFirstWrite: true);
