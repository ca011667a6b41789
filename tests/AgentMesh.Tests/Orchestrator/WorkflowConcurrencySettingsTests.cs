using AgentMesh.Services.Orchestrator;
using Dapr.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentMesh.Tests.Orchestrator;

/// <summary>Workflow:MaxConcurrentActivities and Workflow:MaxConcurrentWorkflows reach the Dapr.Workflow SDK's worker options, and bad values stop start-up.</summary>
public sealed class WorkflowConcurrencySettingsTests
{
    [Fact]
    public void The_settings_become_the_SDK_worker_limits()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddOrchestrator(new WorkflowEngineOptions { Mode = WorkflowEngineOptions.Dapr, MaxConcurrentActivities = 7, MaxConcurrentWorkflows = 3 }, _ => { });
        using var provider = services.BuildServiceProvider();

        var options = provider.GetService<WorkflowRuntimeOptions>() ?? provider.GetRequiredService<IOptions<WorkflowRuntimeOptions>>().Value;

        Assert.Equal((7, 3), (options.MaxConcurrentActivities, options.MaxConcurrentWorkflows));
    }

    [Fact]
    public void A_limit_below_one_stops_start_up_naming_the_setting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddOrchestrator(new WorkflowEngineOptions { MaxConcurrentActivities = 0 }, _ => { }));

        Assert.Contains("Workflow:MaxConcurrentActivities", error.Message);
    }
}
