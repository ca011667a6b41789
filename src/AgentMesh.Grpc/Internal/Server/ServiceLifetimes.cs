using Microsoft.Extensions.DependencyInjection;

namespace AgentMesh.Grpc.Internal.Server;

/// <summary>
/// The service collection the host was built from (registered by <c>AddGrpcServer</c>), so a method
/// endpoint can tell whether its service class is a singleton and resolve it once, not per call.
/// </summary>
internal sealed class ServiceLifetimes(IServiceCollection services)
{
    /// <summary>True when the last non-keyed registration of <paramref name="type"/> is a singleton.</summary>
    public bool IsSingleton(Type type)
    {
        for (var i = services.Count - 1; i >= 0; i--)
        {
            var descriptor = services[i];
            if (descriptor.ServiceType == type && !descriptor.IsKeyedService)
            {
                return descriptor.Lifetime == ServiceLifetime.Singleton;
            }
        }

        return false;
    }
}
