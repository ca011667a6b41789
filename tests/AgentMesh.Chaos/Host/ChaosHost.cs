using System.Net;
using AgentMesh.Chaos.Journal;
using AgentMesh.Hosting;
using AgentMesh.TaskHub;
using Dapr.Workflow;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AgentMesh.Chaos.Host;

/// <summary>
/// The process the driver SIGKILLs: the embedded task hub on a loopback port over a SQLite file, and
/// the Dapr.Workflow SDK worker in the same process calling it in-process, as the Orchestrator does (the Dapr Workflow source generator
/// registers the chaos workflows and <see cref="Workflows.ChaosStep"/> of this assembly). Once it
/// listens it prints <see cref="ReadyLine"/>; logs of level Warning and above go to stdout.
/// </summary>
internal static class ChaosHost
{
    /// <summary>The start of the line printed when the hub listens: <c>chaos host ready http://127.0.0.1:PORT generation G pid P</c>.</summary>
    public const string ReadyLine = "chaos host ready ";

    /// <summary>
    /// Runs until killed (or Ctrl+C). Options: <c>--port</c>, <c>--database</c> (the hub's SQLite file),
    /// <c>--journal</c> (the activity journal), <c>--generation</c> (1 for the first process of a run).
    /// </summary>
    public static async Task<int> RunAsync(CommandLine options)
    {
        var port = options.Number("port");
        var generation = options.Number("generation");
        var address = $"http://127.0.0.1:{port}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders().AddSimpleConsole(o => o.TimestampFormat = "HH:mm:ss.fff ").SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseMeshKestrel().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        builder.Configuration["DAPR_GRPC_ENDPOINT"] = address;
        builder.Services.AddTaskHub(o => o.DatabasePath = options.Text("database"));
        builder.Services.AddDaprWorkflow();
        // As the Orchestrator: the worker calls the hub in-process; the harness drives it over the port.
        builder.Services.AddTaskHubInProcessClient<Dapr.DurableTask.Protobuf.TaskHubSidecarService.TaskHubSidecarServiceClient>();
        builder.Services.AddSingleton(new ActivityJournal(options.Text("journal"), generation));
        StartAfterHostStarted.Defer(builder.Services, typeof(DaprWorkflowClient).Assembly);
        await using var app = builder.Build();
        app.MapTaskHub();
        await app.StartAsync().ConfigureAwait(false);
        Console.WriteLine($"{ReadyLine}{address} generation {generation} pid {Environment.ProcessId}");
        await app.WaitForShutdownAsync().ConfigureAwait(false);
        return 0;
    }
}
