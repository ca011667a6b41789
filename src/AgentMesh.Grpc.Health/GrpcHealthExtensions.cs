using AgentMesh.Grpc.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AgentMesh.Grpc.Health;

/// <summary>Registers and maps the standard health service, <c>grpc.health.v1.Health</c> (grpc doc/health-checking.md).</summary>
public static class GrpcHealthExtensions
{
    /// <summary>Adds <see cref="ServerHealth"/> (a singleton: resolve it to set statuses) and the health service's handlers.</summary>
    public static IServiceCollection AddGrpcHealth(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<ServerHealth>();
        services.TryAddSingleton<HealthService>();
        return services;
    }

    /// <summary>
    /// Maps <c>grpc.health.v1.Health</c>: Check (NOT_FOUND for an unknown name) and Watch (the
    /// current status, then every change; SERVICE_UNKNOWN for an unknown name; ends once the host is
    /// stopping). Throws <see cref="InvalidOperationException"/> when <see cref="AddGrpcHealth"/> or
    /// <c>AddGrpcServer</c> was not called.
    /// </summary>
    public static IEndpointConventionBuilder MapGrpcHealthService(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var mapped = endpoints.MapGrpcService<HealthService>(HealthService.Descriptor);
        // Resolved now, before the host starts, so that the statuses follow its start and stop.
        _ = endpoints.ServiceProvider.GetService<ServerHealth>()
            ?? throw new InvalidOperationException("MapGrpcHealthService needs the health service: call services.AddGrpcHealth() when configuring services.");
        return mapped;
    }
}
