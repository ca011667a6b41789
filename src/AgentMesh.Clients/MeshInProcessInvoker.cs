using AgentMesh.Contracts;
using AgentMesh.InProcess;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentMesh.Clients;

/// <summary>
/// The in-process call invoker the mesh's clients share in the all-in-one host: the settings of a mesh
/// client over HTTP/2 (retries from <see cref="MeshServiceConfig"/>, call-context propagation, grpc-dotnet's
/// 4 MiB receive limit, UNAVAILABLE for calls started once the host is stopping).
/// </summary>
public sealed class MeshInProcessInvoker(IOptions<MeshOptions> options, IServiceProvider services)
{
    private readonly Lazy<CallInvoker> _invoker = new(() => services.CreateInProcessCallInvoker(new InProcessCallSettings
    {
        ServiceConfig = MeshServiceConfig.Create(options.Value.RetryMaxAttempts),
        PropagateCallContext = true,
        RefuseWhenStopping = true,
    }));

    /// <summary>
    /// The invoker to call <paramref name="service"/> with, or null when it is called over the network: it has
    /// an address, this is not the all-in-one host, <see cref="MeshOptions.InProcessCalls"/> is off, or this
    /// process does not serve it.
    /// </summary>
    public CallInvoker? Serves(MeshService service)
    {
        var mesh = options.Value;
        if (!mesh.AllInOne || !mesh.InProcessCalls || mesh.AddressOf(service) is not null)
            return null;
        var name = service switch
        {
            MeshService.Orchestrator => Contracts.V1.Orchestrator.Descriptor.FullName,
            MeshService.Planner => Contracts.V1.Planner.Descriptor.FullName,
            MeshService.Agents => Contracts.V1.Agents.Descriptor.FullName,
            MeshService.ToolHost => Contracts.V1.ToolHost.Descriptor.FullName,
            MeshService.State => Contracts.V1.State.Descriptor.FullName,
            _ => throw new ArgumentOutOfRangeException(nameof(service), service, null),
        };
        return services.GetService<InProcessServices>()?.Serves(name) == true ? _invoker.Value : null;
    }
}
