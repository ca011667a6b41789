using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace AgentMesh.Hosting;

/// <summary>
/// Healthy from the moment the host has started (its server listens) until it begins stopping;
/// every service's health includes it, so a service with no dependency to check still reports
/// SERVING, then NOT_SERVING.
/// </summary>
public sealed class HostLifetimeHealthCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        => Task.FromResult(
            lifetime.ApplicationStopping.IsCancellationRequested ? HealthCheckResult.Unhealthy("The host is stopping.")
            : lifetime.ApplicationStarted.IsCancellationRequested ? HealthCheckResult.Healthy("The host is serving.")
            : HealthCheckResult.Unhealthy("The host has not started yet."));
}
