using AgentMesh.Services.Orchestrator;
using AgentMesh.TaskHub;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentMesh.Tests.Orchestrator;

/// <summary>Workflow:MaxConcurrentActivities and Workflow:MaxConcurrentWorkflows become the embedded hub's limits per worker, and bad values stop start-up.</summary>
public sealed class WorkflowConcurrencySettingsTests
{
    [Fact]
    public void The_settings_become_the_embedded_hubs_limits_per_worker()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddOrchestrator(new WorkflowEngineOptions { TaskHubPath = "unused.db", MaxConcurrentActivities = 7, MaxConcurrentWorkflows = 3 }, _ => { });
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<TaskHubOptions>>().Value;

        Assert.Equal((7, 3), (options.MaxActivitiesPerWorker, options.MaxWorkflowsPerWorker));
    }

    [Fact]
    public void A_limit_below_one_stops_start_up_naming_the_setting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddOrchestrator(new WorkflowEngineOptions { MaxConcurrentActivities = 0 }, _ => { }));

        Assert.Contains("Workflow:MaxConcurrentActivities", error.Message);
    }
}
