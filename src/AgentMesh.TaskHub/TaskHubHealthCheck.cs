using AgentMesh.TaskHub.Backend;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AgentMesh.TaskHub;

/// <summary>Healthy while the hub's store answers; says how many workers are connected.</summary>
public sealed class TaskHubHealthCheck : IHealthCheck
{
    private readonly ITaskHubBackend _backend;
    private readonly Dispatch.WorkItemDispatcher _dispatcher;

    internal TaskHubHealthCheck(ITaskHubBackend backend, Dispatch.WorkItemDispatcher dispatcher)
    {
        _backend = backend;
        _dispatcher = dispatcher;
    }

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await _backend.GetNextVisibleAtAsync(DateTimeOffset.UtcNow, cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"The task hub's store answers; {_dispatcher.ConnectedWorkers} worker stream(s) connected.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The task hub's store cannot be read: " + e.Message, e);
        }
    }
}
