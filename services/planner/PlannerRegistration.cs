using AgentMesh.InProcess;
using AgentMesh.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PlannerContract = AgentMesh.Contracts.V1.Planner;

namespace AgentMesh.Services.Planner;

/// <summary>Registers and maps the Planner service.</summary>
public static class PlannerRegistration
{
    /// <summary>Adds the Planner. Needs an <c>IChatClientProvider</c> from the host; validates at start-up that at least one role is configured.</summary>
    public static IServiceCollection AddPlanner(this IServiceCollection services, Action<PlannerOptions> configure)
    {
        services.AddOptions<PlannerOptions>().Configure(configure)
            .Validate(o => o.Roles.Count > 0, "Planner:Roles must name at least one agent role.")
            .ValidateOnStart();
        services.AddMeshServer();
        services.AddMeshServiceHealth(PlannerContract.Descriptor.FullName);
        services.TryAddSingleton<PlanAuthor>();
        services.AddInProcessGrpcService<PlannerService>(PlannerContract.Descriptor.FullName, b => PlannerContract.BindService(b, null));
        return services;
    }

    /// <summary>Maps agentmesh.v1.Planner. Throws <see cref="InvalidOperationException"/> when <see cref="AddPlanner"/> did not run.</summary>
    public static GrpcServiceEndpointConventionBuilder MapPlanner(this IEndpointRouteBuilder endpoints)
    {
        if (endpoints.ServiceProvider.GetService<PlanAuthor>() is null)
        {
            throw new InvalidOperationException("MapPlanner needs services.AddPlanner() first.");
        }

        return endpoints.MapGrpcService<PlannerService>();
    }
}
