using AgentMesh.InProcess;
using AgentMesh.Clients;
using AgentMesh.Contracts.V1;
using AgentMesh.Hosting;
using AgentMesh.Services.Agents.Loop;
using AgentMesh.Services.Agents.Roles;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using AgentsContract = AgentMesh.Contracts.V1.Agents;

namespace AgentMesh.Services.Agents;

/// <summary>Registers and maps the Agents service.</summary>
public static class AgentsRegistration
{
    /// <summary>
    /// Adds the Agents service and its clients of ToolHost and State (addresses <c>Mesh:ToolHost</c>,
    /// <c>Mesh:State</c>; see <see cref="MeshOptions"/>). Needs an <c>IChatClientProvider</c> registered by the host. Throws <see cref="OptionsValidationException"/>
    /// at start-up for invalid settings.
    /// </summary>
    public static IServiceCollection AddAgents(this IServiceCollection services, Action<AgentsOptions>? configure = null)
    {
        var options = services.AddOptions<AgentsOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(o => o.MaxIterations is >= 1 and <= 100, "Agents:MaxIterations must be between 1 and 100.")
            .Validate(o => o.MaxToolResultChars is >= 100 and <= 1_000_000, "Agents:MaxToolResultChars must be between 100 and 1000000.")
            .Validate(o => o.LoopDetectionRepeats is >= 2 and <= 100, "Agents:LoopDetectionRepeats must be between 2 and 100.")
            .Validate(
                o => o.ToolAllowlists.Values.SelectMany(p => p).All(p => ToolPatterns.Problem(p) is null),
                "Agents:ToolAllowlists:<role> entries must be server/tool patterns, e.g. filesystem/read_* or refunds/*.")
            .Validate(
                o => o.ConcurrentTools.All(p => ToolPatterns.Problem(p) is null),
                "Agents:ConcurrentTools entries must be server/tool patterns, e.g. search/* or crm/get_*.")
            .ValidateOnStart();
        services.TryAddSingleton<ToolArgumentValidator>();
        services.TryAddSingleton(sp => new ConcurrentTools(new ToolPatterns(sp.GetRequiredService<IOptions<AgentsOptions>>().Value.ConcurrentTools, "Agents:ConcurrentTools")));
        services.TryAddSingleton(sp => new ToolAllowlist(sp.GetRequiredService<IOptions<AgentsOptions>>().Value.ToolAllowlists));
        services.TryAddSingleton(sp => AgentRoleCatalog.Load(sp.GetRequiredService<IOptions<AgentsOptions>>().Value.PromptsDirectory));
        services.TryAddSingleton<RoleRouter>();
        services.AddMeshServer();
        services.AddMeshServiceHealth(AgentsContract.Descriptor.FullName);
        services.AddMeshClient<ToolHost.ToolHostClient>(MeshService.ToolHost);
        services.AddMeshClient<State.StateClient>(MeshService.State);
        services.TryAddScoped<AgentLoop>();
        services.AddInProcessGrpcService<AgentsService>(AgentsContract.Descriptor.FullName, b => AgentsContract.BindService(b, null));
        return services;
    }

    /// <summary>Maps agentmesh.v1.Agents. Throws <see cref="InvalidOperationException"/> when <see cref="AddAgents"/> did not run.</summary>
    public static GrpcServiceEndpointConventionBuilder MapAgents(this IEndpointRouteBuilder endpoints)
    {
        if (endpoints.ServiceProvider.GetService<AgentRoleCatalog>() is null)
        {
            throw new InvalidOperationException("MapAgents needs services.AddAgents() first.");
        }

        return endpoints.MapGrpcService<AgentsService>();
    }
}
