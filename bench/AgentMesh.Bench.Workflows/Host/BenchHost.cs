using System.Net;
using AgentMesh.Hosting;
using AgentMesh.TaskHub;
using Dapr.Workflow;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentMesh.Bench.Workflows.Host;

/// <summary>
/// The measured process: the embedded task hub over a SQLite file (the product's defaults: WAL,
/// synchronous=FULL) on a Kestrel loopback port, and the Dapr.Workflow 1.19.1 SDK worker in the same
/// process dialling it over gRPC (<c>DAPR_GRPC_ENDPOINT</c>), as the Orchestrator runs them. The Dapr
/// Workflow source generator registers every workflow and activity of this assembly.
/// </summary>
internal static class BenchHost
{
    /// <summary>
    /// Serves until stdin closes or says "stop"; prints "ready" once the server listens. On "reset" it
    /// forgets the store profile; on "profile" it prints it, then "end".
    /// </summary>
    public static async Task<int> RunAsync(string databasePath, int port)
    {
        using var profile = new StoreProfile();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        // Warnings and errors to stderr: stdout carries "ready" and the profile to the driver.
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseMeshKestrel().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        builder.Configuration["DAPR_GRPC_ENDPOINT"] = $"http://127.0.0.1:{port}";
        builder.Services.AddTaskHub(o => o.DatabasePath = databasePath);
        builder.Services.AddDaprWorkflow();
        builder.Services.AddTaskHubInProcessClient<Dapr.DurableTask.Protobuf.TaskHubSidecarService.TaskHubSidecarServiceClient>();
        StartAfterHostStarted.Defer(builder.Services, typeof(DaprWorkflowClient).Assembly);
        await using var app = builder.Build();
        app.MapTaskHub();
        await app.StartAsync();
        Console.WriteLine("ready");
        while (await Console.In.ReadLineAsync() is { } line && line.Trim() != "stop")
        {
            if (line.Trim() == "reset")
                profile.Reset();
            else if (line.Trim() == "profile")
                Console.Write(profile.Describe() + "end\n");
        }
        await app.StopAsync();
        return 0;
    }
}
