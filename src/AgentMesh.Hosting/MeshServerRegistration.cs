using Grpc.AspNetCore.HealthChecks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AgentMesh.Hosting;

/// <summary>The gRPC server every AgentMesh host runs: grpc-dotnet services, health and reflection.</summary>
public static class MeshServerRegistration
{
    /// <summary>
    /// Adds grpc-dotnet (<c>AddGrpc</c>; 4 MiB receive limit, RESOURCE_EXHAUSTED above it), server
    /// reflection (grpc.reflection.v1 and v1alpha) and the grpc.health.v1 service fed by ASP.NET Core
    /// health checks. Health is published 2 s after start and then every 10 s (a Check is answered at once), and every Watch ends with
    /// NOT_SERVING when the host begins stopping. Safe to call more than once.
    /// </summary>
    public static IServiceCollection AddMeshServer(this IServiceCollection services)
    {
        services.AddGrpc(o => o.MaxReceiveMessageSize = 4 * 1024 * 1024);
        services.AddGrpcReflection();
        services.AddGrpcHealthChecks();
        services.Configure<HealthCheckPublisherOptions>(o =>
        {
            o.Delay = TimeSpan.FromSeconds(2);
            o.Period = TimeSpan.FromSeconds(10);
        });
        return services;
    }

    /// <summary>
    /// Maps the health of one gRPC service (its full name, e.g. <c>agentmesh.v1.State</c>) to the
    /// health checks tagged with that name; with no such check the service is SERVING while the host
    /// runs. The empty name (the whole server) covers every check. Returns the builder to add checks to.
    /// </summary>
    public static IHealthChecksBuilder AddMeshServiceHealth(this IServiceCollection services, string grpcService)
    {
        services.Configure<GrpcHealthChecksOptions>(o =>
        {
            o.Services.Remove(grpcService);
            o.Services.Map(grpcService, check => check.Tags.Contains(grpcService));
        });
        return services.AddGrpcHealthChecks();
    }

    /// <summary>Maps grpc.health.v1.Health and server reflection. Needs <see cref="AddMeshServer"/>.</summary>
    public static IEndpointRouteBuilder MapMeshServer(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcHealthChecksService();
        endpoints.MapGrpcReflectionService();
        return endpoints;
    }
}
