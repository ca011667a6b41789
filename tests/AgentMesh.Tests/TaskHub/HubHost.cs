using System.Net;
using AgentMesh.Hosting;
using AgentMesh.TaskHub;
using Dapr.Workflow;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentMesh.Tests.TaskHub;

/// <summary>
/// The embedded task hub (SQLite file in a temp folder) on a real Kestrel loopback port, with the
/// Dapr.Workflow 1.19.1 SDK's worker and <see cref="DaprWorkflowClient"/> in the same process talking
/// to it over gRPC, exactly as they talk to daprd.
/// </summary>
public sealed class HubHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HubHost(WebApplication app, string databasePath, string address)
    {
        _app = app;
        DatabasePath = databasePath;
        Address = address;
    }

    public string DatabasePath { get; }

    /// <summary>The hub's address, e.g. <c>http://127.0.0.1:5000</c>.</summary>
    public string Address { get; }

    public DaprWorkflowClient Client => _app.Services.GetRequiredService<DaprWorkflowClient>();

    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Starts a hub over <paramref name="databasePath"/>. Its worker knows every workflow and activity
    /// class of this test assembly (ScenarioWorkflows.cs), which the Dapr Workflow source generator registers.
    /// </summary>
    public static async Task<HubHost> StartAsync(string databasePath)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var port = EndToEnd.HostProcess.FreePort();
        builder.WebHost.UseMeshKestrel().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        builder.Configuration["DAPR_GRPC_ENDPOINT"] = $"http://127.0.0.1:{port}";
        builder.Services.AddTaskHub(o => o.DatabasePath = databasePath);
        builder.Services.AddDaprWorkflow();
        StartAfterHostStarted.Defer(builder.Services, typeof(DaprWorkflowClient).Assembly);
        var app = builder.Build();
        app.MapTaskHub();
        await app.StartAsync();
        return new HubHost(app, databasePath, $"http://127.0.0.1:{port}");
    }

    /// <summary>Waits (at most <paramref name="timeout"/>, default 30 s) for the instance to finish.</summary>
    public async Task<WorkflowState> WaitForCompletionAsync(string instanceId, TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        return await Client.WaitForWorkflowCompletionAsync(instanceId, true, cancel.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
