using AgentMesh.State;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AgentMesh.Services.State.Health;

/// <summary>Healthy when the state store answers a read; Unhealthy with the store's error otherwise.</summary>
public sealed class StateStoreHealthCheck(IStateStore store) : IHealthCheck
{
    /// <summary>The key read (it need not exist).</summary>
    public const string ProbeKey = "health/probe";

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.GetAsync(ProbeKey, cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy("The state store answers.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The state store cannot be read: " + e.Message, e);
        }
    }
}
