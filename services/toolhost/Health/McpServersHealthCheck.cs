using AgentMesh.Services.ToolHost.Catalog;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AgentMesh.Services.ToolHost.Health;

/// <summary>
/// Healthy when every enabled MCP server of the configuration is connected (a server not yet
/// started is started now); Unhealthy naming each server that cannot be reached and why.
/// </summary>
public sealed class McpServersHealthCheck(McpToolCatalog catalog) : IHealthCheck
{
    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var unavailable = await catalog.FindUnavailableServersAsync(cancellationToken).ConfigureAwait(false);
        return unavailable.Count == 0
            ? HealthCheckResult.Healthy("Every configured MCP server is connected.")
            : HealthCheckResult.Unhealthy(string.Join("; ", unavailable.Select(e => e.Message)));
    }
}
