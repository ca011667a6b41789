using AgentMesh.InProcess;
using AgentMesh.Hosting;
using AgentMesh.Services.ToolHost.Catalog;
using AgentMesh.Services.ToolHost.Configuration;
using AgentMesh.Services.ToolHost.Grpc;
using AgentMesh.Services.ToolHost.Health;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ToolHostContract = AgentMesh.Contracts.V1.ToolHost;

namespace AgentMesh.Services.ToolHost;

/// <summary>Registers the ToolHost (catalog + gRPC service) and maps its gRPC endpoint.</summary>
public static class ToolHostRegistration
{
    /// <summary>
    /// Adds <see cref="McpToolCatalog"/> (singleton, config loaded on first resolve, servers started
    /// on first use, stopped when the container is disposed) and <see cref="ToolHostService"/>.
    /// Resolving the catalog throws <see cref="InvalidOperationException"/> when neither
    /// <see cref="ToolHostOptions.ConfigPath"/> nor <see cref="ToolHostOptions.Config"/> is set, and
    /// <see cref="McpConfigException"/> for a bad file; a host with a config path loads it as it starts, so a bad
    /// file stops start-up (<see cref="McpConfigStartupCheck"/>). Health: agentmesh.v1.ToolHost is SERVING
    /// while every configured MCP server is connected.
    /// </summary>
    public static IServiceCollection AddToolHost(this IServiceCollection services, Action<ToolHostOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var optionsBuilder = services.AddOptions<ToolHostOptions>();
        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }

        services.AddLogging();
        services.AddMeshServer();
        services.TryAddSingleton<ToolHostMarker>();
        services.TryAddSingleton(sp => new McpToolCatalog(LoadConfig(sp.GetRequiredService<IOptions<ToolHostOptions>>().Value), sp.GetRequiredService<ILoggerFactory>()));
        services.AddHostedService<McpConfigStartupCheck>();
        services.AddMeshServiceHealth(ToolHostContract.Descriptor.FullName)
            .AddCheck<McpServersHealthCheck>("mcp-servers", tags: [ToolHostContract.Descriptor.FullName]);
        services.AddInProcessGrpcService<ToolHostService>(ToolHostContract.Descriptor.FullName, b => ToolHostContract.BindService(b, null));
        return services;
    }

    /// <summary>
    /// Maps agentmesh.v1.ToolHost to <see cref="ToolHostService"/>. Throws
    /// <see cref="InvalidOperationException"/> when <see cref="AddToolHost"/> was not called.
    /// </summary>
    public static GrpcServiceEndpointConventionBuilder MapToolHost(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.ServiceProvider.GetService<ToolHostMarker>() is null)
        {
            throw new InvalidOperationException("MapToolHost needs the ToolHost services: call services.AddToolHost(o => o.ConfigPath = \"mcp.json\") when building the host.");
        }

        return endpoints.MapGrpcService<ToolHostService>();
    }

    private static McpServersConfig LoadConfig(ToolHostOptions options)
    {
        if (options.Config is not null)
        {
            return options.Config;
        }

        if (string.IsNullOrEmpty(options.ConfigPath))
        {
            throw new InvalidOperationException("ToolHostOptions.ConfigPath is not set: point it at the mcpServers JSON file (or set ToolHostOptions.Config).");
        }

        return McpServersConfig.Load(options.ConfigPath, options.Variables);
    }

    /// <summary>Present in DI once <see cref="AddToolHost"/> ran.</summary>
    private sealed class ToolHostMarker;
}
