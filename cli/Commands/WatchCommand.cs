using System.CommandLine;
using AgentMesh.Cli.Rendering;
using AgentMesh.Clients;
using AgentMesh.Contracts.V1;
using Grpc.Net.Client;
using Spectre.Console;

namespace AgentMesh.Cli.Commands;

/// <summary>`agentmesh watch RUN_ID`: follows a run on a running mesh until it ends.</summary>
internal static class WatchCommand
{
    public static Command Create()
    {
        var runId = new Argument<string>("run-id") { Description = "The run to follow." };
        var address = CliOptions.Address();
        var output = CliOptions.Output();
        var command = new Command("watch", "Follow a run's events until it ends.") { runId, address, output };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var json = parse.GetValue(output) == "json";
            using var channel = GrpcChannel.ForAddress(CliOptions.RequireAddress(parse.GetValue(address)));
            var watcher = new RunWatcher(new Orchestrator.OrchestratorClient(channel), new RunEventPrinter(json, AnsiConsole.Console), ApprovalMode.None, AnsiConsole.Console);
            var run = await watcher.WatchAsync(parse.GetValue(runId)!, cancellationToken);
            return run.Status == RunStatus.Completed ? 0 : 1;
        });
        return command;
    }
}
