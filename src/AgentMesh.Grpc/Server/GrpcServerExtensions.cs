using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using AgentMesh.Grpc.Internal.Server;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace AgentMesh.Grpc.Server;

/// <summary>Registers and maps gRPC services on ASP.NET Core (Kestrel).</summary>
public static class GrpcServerExtensions
{
    /// <summary>
    /// Adds the gRPC server: after this, requests with content-type <c>application/grpc</c> to a
    /// path no mapped service handles end with UNIMPLEMENTED (Trailers-Only).
    /// </summary>
    public static IServiceCollection AddGrpcServer(this IServiceCollection services, Action<GrpcServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddRouting();
        var options = services.AddOptions<GrpcServerOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton<GrpcServiceRegistry>();
        services.TryAddSingleton<IGrpcServiceCatalog>(provider => provider.GetRequiredService<GrpcServiceRegistry>());
        services.TryAddSingleton<ShutdownDrain>();
        services.TryAddSingleton<ResolvedServerInterceptors>();
        services.TryAddSingleton<ActiveCallCounter>();
        services.TryAddSingleton(new ServiceLifetimes(services));
        services.TryAddEnumerable(
            Microsoft.Extensions.DependencyInjection.ServiceDescriptor.Singleton<IStartupFilter, UnimplementedStartupFilter>());
        return services;
    }

    /// <summary>
    /// Maps every method of <paramref name="service"/> to the handler of the same name on
    /// <typeparamref name="TService"/> (resolved from DI). Handler shapes:
    /// unary <c>Task&lt;TRes&gt; M(TReq, ServerCallContext)</c>;
    /// server streaming <c>Task M(TReq, IServerStreamWriter&lt;TRes&gt;, ServerCallContext)</c>;
    /// client streaming <c>Task&lt;TRes&gt; M(IAsyncStreamReader&lt;TReq&gt;, ServerCallContext)</c>;
    /// duplex <c>Task M(IAsyncStreamReader&lt;TReq&gt;, IServerStreamWriter&lt;TRes&gt;, ServerCallContext)</c>.
    /// Throws <see cref="InvalidOperationException"/> naming every descriptor method without a
    /// handler of the right shape, or when <see cref="AddGrpcServer"/> was not called. Once the host
    /// begins stopping, calls are drained (see <see cref="GrpcServerOptions.ShutdownDrainTimeout"/>).
    /// </summary>
    public static IEndpointConventionBuilder MapGrpcService<TService>(this IEndpointRouteBuilder endpoints, ServiceDescriptor service)
        where TService : class
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(service);
        var registry = endpoints.ServiceProvider.GetService<GrpcServiceRegistry>()
            ?? throw new InvalidOperationException(
                $"MapGrpcService<{typeof(TService).Name}> needs the gRPC server: call services.AddGrpcServer() when configuring services.");
        var drain = endpoints.ServiceProvider.GetRequiredService<ShutdownDrain>();
        var builders = new List<IEndpointConventionBuilder>();
        var interceptors = endpoints.ServiceProvider.GetRequiredService<ResolvedServerInterceptors>().All;
        foreach (var handler in ServiceMethodBinder.Bind<TService>(service, interceptors))
        {
            handler.Drain = drain;
            builders.Add(endpoints.MapPost(handler.Path, handler.HandleAsync).WithDisplayName($"gRPC {handler.Path}"));
        }

        registry.AddService(service);
        return new CompositeConventionBuilder(builders);
    }
}
