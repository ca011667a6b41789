using AgentMesh.Services.ToolHost.Catalog;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AgentMesh.Services.ToolHost.Configuration;

/// <summary>
/// Loads the MCP servers config as the host starts (by resolving <see cref="McpToolCatalog"/>), so a bad file (a
/// wrong shape, an approval rule whose condition does not parse, …) stops start-up with its
/// <see cref="McpConfigException"/> instead of failing the first call. Servers still start on first use. A host
/// given no config at all (neither <see cref="ToolHostOptions.ConfigPath"/> nor <see cref="ToolHostOptions.Config"/>)
/// starts, and its first call fails as before.
/// </summary>
internal sealed class McpConfigStartupCheck(IServiceProvider services, IOptions<ToolHostOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Config is not null || !string.IsNullOrEmpty(options.Value.ConfigPath))
        {
            services.GetRequiredService<McpToolCatalog>();
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
