using AgentMesh.Clients;
using AgentMesh.Grpc.Server;
using AgentMesh.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AgentMesh.Services.State;

/// <summary>Registers and maps the State service.</summary>
public static class StateRegistration
{
    /// <summary>Adds the State service over the <see cref="IStateStore"/> the host registered (e.g. <c>AddSqliteStateStore</c>).</summary>
    public static IServiceCollection AddStateService(this IServiceCollection services)
    {
        services.TryAddSingleton<RunEventLog>();
        services.TryAddSingleton<StateService>();
        return services;
    }

    /// <summary>Maps agentmesh.v1.State. Throws <see cref="InvalidOperationException"/> when <see cref="AddStateService"/> or a store is missing.</summary>
    public static IEndpointConventionBuilder MapStateService(this IEndpointRouteBuilder endpoints)
    {
        if (endpoints.ServiceProvider.GetService<IStateStore>() is null)
        {
            throw new InvalidOperationException("MapStateService needs a state store (e.g. services.AddSqliteStateStore(path)) and services.AddStateService().");
        }

        return endpoints.MapGrpcService<StateService>(ContractServices.State);
    }
}
