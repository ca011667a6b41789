using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AgentMesh.Grpc.Internal.Server;

/// <summary>
/// How a method endpoint gets its <typeparamref name="TService"/> instance, decided on the
/// endpoint's first call: a registered singleton is resolved once; a scoped or transient
/// registration is resolved from each call's request services; an unregistered class is created
/// per call (constructor arguments from the request services) and disposed after the call.
/// </summary>
internal sealed class ServiceActivation<TService>
    where TService : class
{
    private readonly TService? _singleton;
    private readonly bool _registered;
    private readonly ObjectFactory<TService>? _factory;

    private ServiceActivation(TService? singleton, bool registered, ObjectFactory<TService>? factory)
    {
        _singleton = singleton;
        _registered = registered;
        _factory = factory;
    }

    /// <summary>Inspects the registrations; <paramref name="services"/> are the first call's request services.</summary>
    public static ServiceActivation<TService> Create(IServiceProvider services)
    {
        if (services.GetService<ServiceLifetimes>() is { } lifetimes && lifetimes.IsSingleton(typeof(TService))
            && services.GetService<TService>() is { } singleton)
        {
            return new(singleton, registered: true, factory: null);
        }

        return services.GetService<IServiceProviderIsService>()?.IsService(typeof(TService)) == true
            ? new(null, registered: true, factory: null)
            : new(null, registered: false, ActivatorUtilities.CreateFactory<TService>(Type.EmptyTypes));
    }

    /// <summary>The instance for one call; <paramref name="created"/> is set when the caller must dispose it.</summary>
    public TService Get(HttpContext http, out TService? created)
    {
        created = null;
        if (_singleton is not null)
        {
            return _singleton;
        }

        var services = http.RequestServices;
        return _registered ? services.GetRequiredService<TService>() : created = _factory!(services, null);
    }
}
