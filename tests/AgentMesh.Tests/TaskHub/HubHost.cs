using AgentMesh.Hosting;
using AgentMesh.TaskHub;
using AgentMesh.Tests.Hosting;
using Dapr.Workflow;
using Microsoft.Extensions.DependencyInjection;

namespace AgentMesh.Tests.TaskHub;

/// <summary>
/// The embedded task hub (SQLite file in a temp folder) on a real Kestrel loopback port
/// (<see cref="TestGrpcHost"/>), with the Dapr.Workflow 1.19.1 SDK's worker and
/// <see cref="DaprWorkflowClient"/> in the same process talking to it over gRPC, exactly as they talk to daprd,
/// or, when started <c>inProcess</c>, calling it in-process as the Orchestrator does.
/// </summary>
public sealed class HubHost : IAsyncDisposable
{
    private readonly TestGrpcHost _host;

    private HubHost(TestGrpcHost host, string databasePath)
    {
        _host = host;
        DatabasePath = databasePath;
    }

    public string DatabasePath { get; }

    /// <summary>The hub's address, e.g. <c>http://127.0.0.1:5000</c>.</summary>
    public string Address => _host.Address;

    public DaprWorkflowClient Client => _host.Services.GetRequiredService<DaprWorkflowClient>();

    public IServiceProvider Services => _host.Services;

    /// <summary>
    /// Starts a hub over <paramref name="databasePath"/>. Its worker knows every workflow and activity
    /// class of this test assembly (ScenarioWorkflows.cs), which the Dapr Workflow source generator registers.
    /// With <paramref name="inProcess"/> the SDK calls the hub through <c>AddTaskHubInProcessClient</c>.
    /// </summary>
    public static async Task<HubHost> StartAsync(string databasePath, bool inProcess = false)
    {
        var host = await TestGrpcHost.StartAsync(
            services =>
            {
                services.AddTaskHub(o => o.DatabasePath = databasePath);
                services.AddDaprWorkflow();
                if (inProcess)
                    services.AddTaskHubInProcessClient<Dapr.DurableTask.Protobuf.TaskHubSidecarService.TaskHubSidecarServiceClient>();
                StartAfterHostStarted.Defer(services, typeof(DaprWorkflowClient).Assembly);
            },
            endpoints => endpoints.MapTaskHub());
        return new HubHost(host, databasePath);
    }

    /// <summary>Waits (at most <paramref name="timeout"/>, default 30 s) for the instance to finish.</summary>
    public async Task<WorkflowState> WaitForCompletionAsync(string instanceId, TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        return await Client.WaitForWorkflowCompletionAsync(instanceId, true, cancel.Token);
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
