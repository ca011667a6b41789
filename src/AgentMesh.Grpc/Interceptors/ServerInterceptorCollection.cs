using Microsoft.Extensions.DependencyInjection;

namespace AgentMesh.Grpc.Interceptors;

/// <summary>
/// The interceptors of a gRPC server, outermost first: the first one added sees a call first and
/// its status last. Instances are used as given; types are resolved once, when the first service
/// is mapped, from the application's services (or created with their constructor dependencies when
/// not registered, then living as long as the application).
/// </summary>
public sealed class ServerInterceptorCollection
{
    private readonly List<Func<IServiceProvider, ServerInterceptor>> _factories = new();

    /// <summary>How many interceptors were added.</summary>
    public int Count => _factories.Count;

    /// <summary>Adds <paramref name="interceptor"/> inside the ones added before.</summary>
    public void Add(ServerInterceptor interceptor)
    {
        ArgumentNullException.ThrowIfNull(interceptor);
        _factories.Add(_ => interceptor);
    }

    /// <summary>Adds an interceptor of type <typeparamref name="TInterceptor"/>, resolved once from DI, inside the ones added before.</summary>
    public void Add<TInterceptor>()
        where TInterceptor : ServerInterceptor
        => _factories.Add(static services =>
            services.GetService<TInterceptor>() ?? ActivatorUtilities.CreateInstance<TInterceptor>(services));

    internal ServerInterceptor[] Resolve(IServiceProvider services) => _factories.Select(factory => factory(services)).ToArray();
}
