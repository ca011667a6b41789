using AgentMesh.InProcess;
using AgentMesh.Hosting;
using AgentMesh.Services.State.Health;
using AgentMesh.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StateContract = AgentMesh.Contracts.V1.State;

namespace AgentMesh.Services.State;

/// <summary>Registers and maps the State service.</summary>
public static class StateRegistration
{
    /// <summary>
    /// Adds the State service over the <see cref="IStateStore"/> the host registered (e.g.
    /// <c>AddSqliteStateStore</c>), and its health: agentmesh.v1.State is SERVING while the store answers a read.
    /// </summary>
    public static IServiceCollection AddStateService(this IServiceCollection services)
    {
        services.AddMeshServer();
        services.TryAddSingleton<RunEventLog>();
        services.AddMeshServiceHealth(StateContract.Descriptor.FullName)
            .AddCheck<StateStoreHealthCheck>("state-store", tags: [StateContract.Descriptor.FullName]);
        services.AddInProcessGrpcService<StateService>(StateContract.Descriptor.FullName, b => StateContract.BindService(b, null));
        return services;
    }

    /// <summary>Maps agentmesh.v1.State. Throws <see cref="InvalidOperationException"/> when <see cref="AddStateService"/> or a store is missing.</summary>
    public static GrpcServiceEndpointConventionBuilder MapStateService(this IEndpointRouteBuilder endpoints)
    {
        if (endpoints.ServiceProvider.GetService<IStateStore>() is null || endpoints.ServiceProvider.GetService<RunEventLog>() is null)
        {
            throw new InvalidOperationException("MapStateService needs a state store (e.g. services.AddSqliteStateStore(path)) and services.AddStateService().");
        }

        return endpoints.MapGrpcService<StateService>();
    }
}
