using System.CommandLine;
using AgentMesh.Cli.Hosting;
using AgentMesh.Cli.Rendering;
using AgentMesh.Clients;
using AgentMesh.Contracts.V1;
using Grpc.Net.Client;
using Spectre.Console;

namespace AgentMesh.Cli.Commands;

/// <summary>`agentmesh run`: runs a scenario (or a goal) and shows live progress; exit code 0 only when the run completes.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var scenario = new Argument<string?>("scenario") { Description = "Scenario folder or scenario.json (default: examples/docs-report).", Arity = ArgumentArity.ZeroOrOne };
        var goal = new Option<string?>("--goal") { Description = "Run this goal instead of the scenario's." };
        var address = CliOptions.Address();
        var data = CliOptions.Data();
        var output = CliOptions.Output();
        var autoApprove = new Option<bool>("--auto-approve") { Description = "Approve every gated tool call." };
        var autoDeny = new Option<bool>("--auto-deny") { Description = "Deny every gated tool call (reason \"--auto-deny\")." };
        var command = new Command("run", "Run a scenario on the embedded mesh (or on --address) and show its progress.")
        {
            scenario, goal, address, data, output, autoApprove, autoDeny,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(autoApprove) && result.GetValue(autoDeny))
            {
                result.AddError("--auto-approve and --auto-deny cannot be used together.");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var json = parse.GetValue(output) == "json";
            var console = json ? AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }) : AnsiConsole.Console;
            var loaded = Scenario.Load(parse.GetValue(scenario) ?? DefaultScenario());
            var dataDirectory = Path.GetFullPath(parse.GetValue(data)!);
            var remote = parse.GetValue(address);

            await using var host = remote is null ? await StartEmbeddedAsync(loaded, dataDirectory, cancellationToken) : null;
            using var channel = GrpcChannel.ForAddress(remote ?? host!.Address);
            var orchestrator = new Orchestrator.OrchestratorClient(channel);
            var started = await orchestrator.StartRunAsync(new StartRunRequest { Goal = parse.GetValue(goal) ?? loaded.Goal }, cancellationToken: cancellationToken);
            if (!json)
            {
                console.MarkupLine($"[bold]Run {Markup.Escape(started.RunId)}[/] [grey]on {Markup.Escape(remote ?? host!.Address)}, data in {Markup.Escape(dataDirectory)}[/]");
            }

            var mode = parse.GetValue(autoApprove) ? ApprovalMode.Approve
                : parse.GetValue(autoDeny) ? ApprovalMode.Deny
                : !json && !Console.IsInputRedirected ? ApprovalMode.Ask
                : ApprovalMode.None;
            var watcher = new RunWatcher(orchestrator, new RunEventPrinter(json, console), mode, console);
            var run = await watcher.WatchAsync(started.RunId, cancellationToken);
            return run.Status == RunStatus.Completed ? 0 : 1;
        });
        return command;
    }

    /// <summary>Starts the all-in-one host for a scenario: WORKSPACE is the scenario's folder, OUTPUT a folder under the data folder.</summary>
    private static async Task<MeshHost> StartEmbeddedAsync(Scenario scenario, string dataDirectory, CancellationToken cancellationToken)
    {
        var outputDirectory = Path.Combine(dataDirectory, "output");
        Directory.CreateDirectory(outputDirectory);
        var options = new MeshHostOptions
        {
            DataDirectory = dataDirectory,
            McpConfigPath = scenario.McpConfigPath,
            CassettePath = scenario.CassettePath,
        };
        options.Variables["WORKSPACE"] = scenario.Workspace;
        options.Variables["OUTPUT"] = outputDirectory;
        return await MeshHost.StartAsync(options, cancellationToken);
    }

    private static string DefaultScenario()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "examples", "docs-report");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("No scenario given and no examples/docs-report found above the current folder.");
    }
}
