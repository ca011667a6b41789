using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AgentMesh.Clients;

/// <summary>Registers the generated agentmesh.v1 clients a service uses to call the others.</summary>
public static class MeshClientsRegistration
{
    /// <summary>
    /// Registers <typeparamref name="TClient"/> (e.g. <c>State.StateClient</c>) with Grpc.Net.ClientFactory
    /// (<c>AddGrpcClient</c>) for <paramref name="service"/>: its address from <see cref="MeshAddresses"/>,
    /// the caller's deadline and cancellation propagated from the incoming call when there is one
    /// (<c>EnableCallContextPropagation</c>), HTTP/2 keepalive pings, and retries of idempotent
    /// methods through <see cref="MeshServiceConfig"/>. In the all-in-one host (<see cref="MeshOptions.AllInOne"/>
    /// and <see cref="MeshOptions.InProcessCalls"/>), a service this process serves in-process is called
    /// through <see cref="MeshInProcessInvoker"/> instead, with the same settings. Binds <see cref="MeshOptions"/>
    /// from section <c>Mesh</c> and validates at start-up that the address is set (unless <see cref="MeshOptions.AllInOne"/>).
    /// </summary>
    public static IHttpClientBuilder AddMeshClient<TClient>(this IServiceCollection services, MeshService service)
        where TClient : ClientBase
    {
        AddMeshOptions(services)
            .Validate(o => o.AllInOne || o.AddressOf(service) is not null, MeshAddresses.MissingMessage(service))
            .ValidateOnStart();
        return services
            .AddGrpcClient<TClient>((sp, o) =>
            {
                if (sp.GetRequiredService<MeshInProcessInvoker>().Serves(service) is { } invoker)
                {
                    // The channel the factory builds from this address is never called.
                    o.Address = new Uri("http://in-process");
                    o.Creator = _ => Activator.CreateInstance(typeof(TClient), invoker)!;
                    return;
                }

                o.Address = sp.GetRequiredService<MeshAddresses>().Of(service);
            })
            .ConfigureChannel((sp, o) => o.ServiceConfig = MeshServiceConfig.Create(sp.GetRequiredService<IOptions<MeshOptions>>().Value.RetryMaxAttempts))
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var mesh = sp.GetRequiredService<IOptions<MeshOptions>>().Value;
                return new SocketsHttpHandler
                {
                    KeepAlivePingDelay = mesh.KeepAlivePingDelay,
                    KeepAlivePingTimeout = mesh.KeepAlivePingTimeout,
                    KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
                    EnableMultipleHttp2Connections = true,
                    PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                };
            })
            .EnableCallContextPropagation(o => o.SuppressContextNotFoundErrors = true);
    }

    /// <summary>Binds <see cref="MeshOptions"/> from section <c>Mesh</c> once and registers <see cref="MeshAddresses"/>.</summary>
    public static OptionsBuilder<MeshOptions> AddMeshOptions(this IServiceCollection services)
    {
        var builder = services.AddOptions<MeshOptions>();
        if (!services.Any(d => d.ServiceType == typeof(MeshOptionsMarker)))
        {
            services.AddSingleton<MeshOptionsMarker>();
            builder.BindConfiguration(MeshOptions.Section);
        }

        services.TryAddSingleton<MeshAddresses>();
        services.TryAddSingleton<MeshInProcessInvoker>();
        return builder;
    }

    private sealed class MeshOptionsMarker;
}
