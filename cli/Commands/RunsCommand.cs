using System.CommandLine;
using AgentMesh.Clients;
using AgentMesh.Contracts.V1;
using Grpc.Net.Client;
using Spectre.Console;

namespace AgentMesh.Cli.Commands;

/// <summary>`agentmesh runs [--status S]`: lists runs, newest first.</summary>
internal static class RunsCommand
{
    public static Command Create()
    {
        var status = new Option<RunStatus[]>("--status") { Description = "Only runs in these statuses (e.g. Running, AwaitingApproval, Completed).", AllowMultipleArgumentsPerToken = true };
        var address = CliOptions.Address();
        var command = new Command("runs", "List runs on a running mesh.") { status, address };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var channel = GrpcChannel.ForAddress(CliOptions.RequireAddress(parse.GetValue(address)));
            var request = new ListRunsRequest { PageSize = 100 };
            request.Statuses.AddRange(parse.GetValue(status) ?? []);
            var response = await new Orchestrator.OrchestratorClient(channel).ListRunsAsync(request, cancellationToken: cancellationToken);
            var table = new Table()
                .AddColumn(new TableColumn("run").NoWrap())
                .AddColumn(new TableColumn("status").NoWrap())
                .AddColumn(new TableColumn("created").NoWrap())
                .AddColumn("goal");
            foreach (var run in response.Runs)
            {
                table.AddRow(Markup.Escape(run.RunId), run.Status.ToString(), run.CreatedAt?.ToDateTime().ToString("u") ?? "", Markup.Escape(run.Goal.Length > 60 ? run.Goal[..60] + "…" : run.Goal));
            }

            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }
}
