using AgentMesh.Grpc.Client;

namespace AgentMesh.Clients;

/// <summary>
/// Where each service of the mesh is reachable. In the all-in-one host every service shares one
/// address, known only once Kestrel has bound its port, so addresses resolve lazily.
/// </summary>
public sealed class MeshChannels : IDisposable
{
    private readonly Func<string, string> _addressOf;
    private readonly Dictionary<string, GrpcChannel> _channels = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <param name="addressOf">Maps a service name ("orchestrator", "planner", "agents", "toolhost", "state") to its address, e.g. <c>http://127.0.0.1:5000</c>.</param>
    public MeshChannels(Func<string, string> addressOf) => _addressOf = addressOf;

    public PlannerClient Planner => new(For("planner"));
    public AgentsClient Agents => new(For("agents"));
    public ToolHostClient ToolHost => new(For("toolhost"));
    public StateClient State => new(For("state"));
    public OrchestratorClient Orchestrator => new(For("orchestrator"));

    /// <summary>The shared channel to <paramref name="service"/>'s address (one per distinct address).</summary>
    public GrpcChannel For(string service)
    {
        var address = _addressOf(service);
        lock (_gate)
        {
            if (!_channels.TryGetValue(address, out var channel))
            {
                channel = GrpcChannel.ForAddress(address);
                _channels[address] = channel;
            }

            return channel;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var channel in _channels.Values)
            {
                channel.Dispose();
            }

            _channels.Clear();
        }
    }
}
