using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AgentMesh.InProcess;

/// <summary>Serving grpc-dotnet services to clients in the same process, and creating those clients' call invokers.</summary>
public static class InProcessGrpcRegistration
{
    /// <summary>
    /// Serves <typeparamref name="TService"/> (a grpc-dotnet service, also mapped with <c>MapGrpcService</c> for
    /// callers in other processes) to in-process clients. <paramref name="bindService"/> is the generated
    /// static binder called with a null instance, e.g. <c>b =&gt; State.BindService(b, null)</c>; its
    /// <paramref name="serviceName"/> is the full gRPC name, e.g. <c>State.Descriptor.FullName</c>.
    /// Each call gets its own DI scope and service instance, as over HTTP/2.
    /// </summary>
    public static IServiceCollection AddInProcessGrpcService<TService>(this IServiceCollection services, string serviceName, Action<ServiceBinderBase> bindService)
        where TService : class
    {
        if (services.Any(d => d.ServiceType == typeof(InProcessServiceRegistration) && d.ImplementationInstance is InProcessServiceRegistration r && r.ServiceName == serviceName))
            return services;
        services.AddSingleton(new InProcessServiceRegistration(serviceName, sp =>
        {
            var binder = new InProcessServiceBinder<TService>(sp);
            bindService(binder);
            return binder.Methods;
        }));
        services.TryAddSingleton<InProcessServices>();
        return services;
    }

    /// <summary>
    /// A <see cref="CallInvoker"/> over the services this process serves in-process (see
    /// <see cref="InProcessCallInvoker"/> for the statuses a caller sees), with <paramref name="settings"/>.
    /// Throws <see cref="InvalidOperationException"/> when no service was added with <see cref="AddInProcessGrpcService{TService}"/>.
    /// </summary>
    public static CallInvoker CreateInProcessCallInvoker(this IServiceProvider services, InProcessCallSettings settings)
        => new InProcessCallInvoker(
            services.GetService<InProcessServices>() ?? throw new InvalidOperationException("No gRPC service is served in-process: call AddInProcessGrpcService first."),
            settings,
            services.GetService<IHttpContextAccessor>(),
            services.GetService<IHostApplicationLifetime>(),
            services.GetRequiredService<ILoggerFactory>().CreateLogger<InProcessCallInvoker>());
}
