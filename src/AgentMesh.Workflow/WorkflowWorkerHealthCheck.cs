using AgentMesh.Workflow.Worker;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AgentMesh.Workflow;

/// <summary>Healthy while the workflow worker's loops run (registered by <c>AddWorkflowRuntime</c>'s caller as a health check).</summary>
public sealed class WorkflowWorkerHealthCheck : IHealthCheck
{
    private readonly WorkflowWorkerService _worker;

    internal WorkflowWorkerHealthCheck(WorkflowWorkerService worker) => _worker = worker;

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        => Task.FromResult(_worker.IsRunning
            ? HealthCheckResult.Healthy("The workflow worker is running.")
            : HealthCheckResult.Unhealthy("The workflow worker is not running (not started yet, stopping, or a loop failed; see the log)."));
}
