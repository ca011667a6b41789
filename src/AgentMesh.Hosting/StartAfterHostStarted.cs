using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AgentMesh.Hosting;

/// <summary>
/// Starts a hosted service only once the host has started, that is once its server listens. For a
/// client of this same host started as a hosted service: the Dapr.Workflow worker dials the
/// embedded task hub when it starts; started any earlier, its first dial is refused and the SDK
/// waits 5 s before dialling again.
/// </summary>
public sealed class StartAfterHostStarted(IHostedService inner, IHostApplicationLifetime lifetime) : IHostedService
{
    private CancellationTokenRegistration _registration;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _registration = lifetime.ApplicationStarted.Register(() => _ = inner.StartAsync(CancellationToken.None));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
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
