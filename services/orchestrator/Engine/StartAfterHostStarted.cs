using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AgentMesh.Services.Orchestrator;

/// <summary>
/// Starts a hosted service only once the host has started, that is once its server listens. The
/// Dapr.Workflow worker dials the embedded task hub in this same host when it starts; started any
/// earlier, its first dial is refused and the SDK waits 5 s before dialling again.
/// </summary>
internal sealed class StartAfterHostStarted(IHostedService inner, IHostApplicationLifetime lifetime) : IHostedService
{
    private CancellationTokenRegistration _registration;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _registration = lifetime.ApplicationStarted.Register(() => _ = inner.StartAsync(CancellationToken.None));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _registration.DisposeAsync().ConfigureAwait(false);
        await inner.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Replaces the hosted-service registrations of <paramref name="services"/> from <paramref name="assembly"/> by deferred ones.</summary>
    public static void Defer(IServiceCollection services, System.Reflection.Assembly assembly)
    {
        var registrations = services
            .Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.Assembly == assembly)
            .ToList();
        foreach (var registration in registrations)
        {
            services.Remove(registration);
            var type = registration.ImplementationType!;
            services.AddSingleton<IHostedService>(sp => new StartAfterHostStarted(
                (IHostedService)ActivatorUtilities.CreateInstance(sp, type), sp.GetRequiredService<IHostApplicationLifetime>()));
        }
    }
}
