using Grpc.AspNetCore.Server;
using Microsoft.Extensions.Options;

namespace AgentMesh.InProcess;

/// <summary>
/// The grpc-dotnet services this process serves to in-process clients (registered with
/// <see cref="InProcessGrpcRegistration.AddInProcessGrpcService{TService}"/>), their methods collected on
/// first use, and the server's message size limits from the host's <see cref="GrpcServiceOptions"/>.
/// </summary>
public sealed class InProcessServices(IEnumerable<InProcessServiceRegistration> registrations, IServiceProvider services, IOptions<GrpcServiceOptions> server)
{
    private readonly Lazy<IReadOnlyDictionary<string, InProcessMethod>> _methods = new(() =>
        registrations.SelectMany(r => r.Bind(services)).ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal));

    /// <summary>Whether <paramref name="serviceFullName"/> (e.g. <c>agentmesh.v1.State</c>) is served in-process.</summary>
    public bool Serves(string serviceFullName) => registrations.Any(r => r.ServiceName == serviceFullName);

    internal IReadOnlyDictionary<string, InProcessMethod> Methods => _methods.Value;

    /// <summary>Largest request a handler accepts, in bytes; null for no limit.</summary>
    internal int? MaxReceiveMessageSize => server.Value.MaxReceiveMessageSize;

    /// <summary>Largest response a handler sends, in bytes; null for no limit.</summary>
    internal int? MaxSendMessageSize => server.Value.MaxSendMessageSize;
}

/// <summary>One service served in-process: its full gRPC name and how to collect its methods.</summary>
public sealed class InProcessServiceRegistration
{
    internal InProcessServiceRegistration(string serviceName, Func<IServiceProvider, IReadOnlyDictionary<string, InProcessMethod>> bind)
    {
        ServiceName = serviceName;
        Bind = bind;
    }

    /// <summary>The service's full gRPC name, e.g. <c>agentmesh.v1.State</c>.</summary>
    public string ServiceName { get; }

    internal Func<IServiceProvider, IReadOnlyDictionary<string, InProcessMethod>> Bind { get; }
}
