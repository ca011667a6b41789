using Dapr.Workflow;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AgentMesh.Bench.Workflows.Driver;

/// <summary>
/// The driver's <see cref="DaprWorkflowClient"/> for a host's address, from the SDK's own registration
/// (<c>AddDaprWorkflow</c>). The provider is never run as a host, so the SDK's worker never starts in
/// the driver: all workflow and activity work happens in the host process.
/// </summary>
internal static class WorkflowClients
{
    public static ServiceProvider Create(string address)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["DAPR_GRPC_ENDPOINT"] = address }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddDaprWorkflow();
        return services.BuildServiceProvider();
    }
}
