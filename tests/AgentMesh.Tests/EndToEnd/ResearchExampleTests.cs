using System.Text.Json;
using System.Text.RegularExpressions;
using AgentMesh.Cli.Commands;
using AgentMesh.Cli.Hosting;
using AgentMesh.Contracts.V1;
using Grpc.Net.Client;
using OrchestratorContract = AgentMesh.Contracts.V1.Orchestrator;

namespace AgentMesh.Tests.EndToEnd;

/// <summary>
/// The research example (examples/research) end to end: planner → two researchers in parallel → analyst → writer →
/// reviewer, on the all-in-one host in-process and through the real `agentmesh run` process, with the real
/// <c>@modelcontextprotocol/server-filesystem</c> over the example's documents and the real
/// <c>@modelcontextprotocol/server-memory</c> as the agents' shared notes (its storage file in the run's output folder).
/// The model is the scripted provider replaying the example's cassette: a stand-in for a real model, because no model
/// endpoint runs here. What the tests check comes from the real components: the plan, the order of the step events,
/// the memory server's file, the report file the writer's approved write_file call wrote, and the run's status.
/// </summary>
public sealed class ResearchExampleTests
{
    private static readonly string ExampleDirectory = Path.Combine(RepoPaths.Root, "examples", "research");

    private static readonly string[] ResearcherEntities = ["Harbourside heat pump pilot", "Installation", "Energy performance", "Resident survey", "Costs and funding"];

    [Fact]
    public async Task Two_researchers_run_in_parallel_into_shared_memory_then_the_analyst_writer_and_reviewer_finish_the_report()
    {
        using var data = new TempFolder();
        var scenario = Scenario.Load(ExampleDirectory);
        var options = HostOptions(scenario, data.Path);

        // The roles' tools narrowed to what each needs: the documents are read-only for every agent, only the writer
        // writes (into the output folder), and the cassette's conversation needs nothing more.
        string[][] allowlists =
        [
            ["researcher", "filesystem/list_directory", "filesystem/read_text_file", "memory/create_entities", "memory/add_observations"],
            ["analyst", "memory/read_graph", "memory/search_nodes", "memory/open_nodes"],
            ["writer", "filesystem/write_file"],
            ["reviewer", "filesystem/read_text_file", "memory/open_nodes", "memory/search_nodes"],
        ];
        foreach (var list in allowlists)
        {
            for (var i = 1; i < list.Length; i++)
            {
                options.Settings[$"Agents:ToolAllowlists:{list[0]}:{i - 1}"] = list[i];
            }
        }

        await using var host = await MeshHost.StartAsync(options);
        using var channel = GrpcChannel.ForAddress(host.Address);
        var client = new OrchestratorContract.OrchestratorClient(channel);

        var runId = (await client.StartRunAsync(new StartRunRequest { Goal = scenario.Goal })).RunId;
        var events = await RunObserver.WatchAsync(client, runId, decide: _ => true);

        Assert.Equal(RunStatus.Completed, RunObserver.FinalStatus(events));
        AssertPlanShape(events);
        AssertResearchersOverlapped(events);

        // Every tool call succeeded (a call outside a role's allowlist would have come back as an error).
        var completed = events.Where(e => e.ToolCallCompleted is not null).Select(e => e.ToolCallCompleted).ToList();
        Assert.All(completed, c => Assert.False(c.IsError, $"{c.Server}/{c.Tool}: {c.Result}"));
        Assert.Equal(15, completed.Count);
        Assert.Equal(["research-residents", "research-technical"], completed.Where(c => c.Tool == "create_entities").Select(c => c.StepId).Order(StringComparer.Ordinal));
        Assert.Equal("research-residents", Assert.Single(completed, c => c.Tool == "add_observations").StepId);
        var reads = completed.Where(c => c.Tool == "read_text_file" && c.StepId.StartsWith("research-", StringComparison.Ordinal)).ToList();
        Assert.Equal(5, reads.Count);
        foreach (var document in Directory.GetFiles(Path.Combine(ExampleDirectory, "documents")))
        {
            Assert.Contains(reads, r => r.Result.StartsWith(File.ReadAllLines(document)[0], StringComparison.Ordinal));
        }

        // The writer's write_file waited for approval and wrote into the output folder, nowhere else.
        var approval = Assert.Single(events, e => e.ApprovalRequested is not null).ApprovalRequested;
        Assert.Equal(("filesystem", "write_file", "write"), (approval.Server, approval.Tool, approval.StepId));
        using (var arguments = JsonDocument.Parse(approval.ArgumentsJson))
        {
            Assert.Equal(Path.Combine(data.OutputDirectory, "research-report.md"), arguments.RootElement.GetProperty("path").GetString());
        }

        AssertMemoryFile(data.OutputDirectory);
        AssertReport(data.OutputDirectory);

        var run = await client.GetRunAsync(new GetRunRequest { RunId = runId });
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.StartsWith("I wrote the research report", run.Output, StringComparison.Ordinal);
        Assert.Contains("Approved: nothing to correct.", Assert.Single(events, e => e.ReviewRound is not null).ReviewRound.Feedback, StringComparison.Ordinal);
        var turns = events.Where(e => e.ModelTurn is not null).Select(e => e.ModelTurn).ToList();
        Assert.Equal(17, turns.Count);
        Assert.All(turns, t => Assert.True(t.Usage.InputTokens > 0 && t.Usage.OutputTokens > 0, $"{t.AgentRole} turn {t.Turn} carries token usage"));
        Assert.Equal(turns.Sum(t => t.Usage.InputTokens), run.Usage.InputTokens);
        Assert.Equal(turns.Sum(t => t.Usage.OutputTokens), run.Usage.OutputTokens);
        Assert.Equal(15, run.Usage.ToolCalls);
    }

    /// <summary>`agentmesh run examples/research --auto-approve` as a user runs it: a real process, the scenario folder as given.</summary>
    [Fact]
    public async Task Cli_runs_the_research_example_from_its_folder_and_exits_zero()
    {
        using var data = new TempFolder();

        var (exitCode, stdout, stderr) = await CliProcess.RunAsync("run", ExampleDirectory, "--data", data.Path, "--output", "json", "--auto-approve");

        Assert.True(exitCode == 0, stderr);
        var events = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => RunEvent.Parser.ParseJson(l)).ToList();
        Assert.Equal(RunStatus.Completed, events[^1].StatusChanged.Status);
        AssertPlanShape(events);
        AssertResearchersOverlapped(events);
        Assert.Contains(events, e => e.ApprovalResolved is { Approved: true });
        AssertMemoryFile(data.OutputDirectory);
        AssertReport(data.OutputDirectory);
    }

    /// <summary>The host as <c>agentmesh run examples/research</c> sets it up: WORKSPACE the documents folder, OUTPUT under the data folder.</summary>
    private static MeshHostOptions HostOptions(Scenario scenario, string dataDirectory)
    {
        var options = new MeshHostOptions
        {
            DataDirectory = dataDirectory,
            McpConfigPath = scenario.McpConfigPath,
            CassettePath = scenario.CassettePath,
        };
        options.Variables["WORKSPACE"] = scenario.Workspace;
        options.Variables["OUTPUT"] = Directory.CreateDirectory(Path.Combine(dataDirectory, "output")).FullName;
        options.Settings["Orchestrator:ActivityFirstRetryInterval"] = "00:00:00.200";
        return options;
    }

    /// <summary>Two researcher steps with no dependency between them, the analyst after both, the writer after the analyst, reviewed by the reviewer (review_by).</summary>
    private static void AssertPlanShape(List<RunEvent> events)
    {
        var plan = Assert.Single(events, e => e.PlanCreated is not null).PlanCreated.Plan;
        var steps = plan.Steps.ToDictionary(s => s.Id);
        Assert.Equal(["analyse", "research-residents", "research-technical", "write"], steps.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["researcher", "researcher", "analyst", "writer"], new[] { "research-technical", "research-residents", "analyse", "write" }.Select(id => steps[id].AgentRole));
        Assert.Equal("reviewer", steps["write"].ReviewBy);
        Assert.Empty(steps["research-technical"].DependsOn);
        Assert.Empty(steps["research-residents"].DependsOn);
        Assert.Equal(["research-residents", "research-technical"], steps["analyse"].DependsOn.Order(StringComparer.Ordinal));
        Assert.Equal(["analyse"], steps["write"].DependsOn);

        // The events follow the plan: no step starts before the steps it depends on completed.
        int Started(string id) => events.FindIndex(e => e.StepStarted?.StepId == id);
        int Completed(string id) => events.FindIndex(e => e.StepCompleted?.StepId == id);
        Assert.True(Completed("research-technical") < Started("analyse") && Completed("research-residents") < Started("analyse"));
        Assert.True(Completed("analyse") < Started("write"));
        Assert.True(Completed("write") < Started("write-review-1"));
        var review = Assert.Single(events, e => e.ReviewRound is not null).ReviewRound;
        Assert.Equal(("write", 1, true, true), (review.StepId, review.Round, review.Approved, review.Final));
        Assert.Equal(events.Count - 1, events.FindLastIndex(e => e.StatusChanged is not null));
    }

    /// <summary>Both researcher steps started before either completed (the order of the run's events, not durations).</summary>
    private static void AssertResearchersOverlapped(List<RunEvent> events)
    {
        var lastStart = new[] { "research-technical", "research-residents" }.Max(id => events.FindIndex(e => e.StepStarted?.StepId == id));
        var firstEnd = events.FindIndex(e => e.StepCompleted?.StepId is "research-technical" or "research-residents");
        Assert.True(lastStart >= 0 && firstEnd >= 0);
        Assert.True(lastStart < firstEnd, "both researcher steps started before either completed");
    }

    /// <summary>server-memory's storage file (MEMORY_FILE_PATH=${OUTPUT}/research-memory.jsonl) holds the researchers' entities.</summary>
    private static void AssertMemoryFile(string outputDirectory)
    {
        var file = Path.Combine(outputDirectory, "research-memory.jsonl");
        Assert.True(File.Exists(file), $"server-memory has not written {file}");
        var entities = File.ReadAllLines(file).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("type").GetString() == "entity")
            .ToDictionary(e => e.GetProperty("name").GetString()!, e => e.GetProperty("observations").EnumerateArray().Select(o => o.GetString()!).ToList());
        Assert.Equal(ResearcherEntities.Order(StringComparer.Ordinal), entities.Keys.Order(StringComparer.Ordinal));

        // Observations name their document; add_observations extended what create_entities made.
        Assert.All(entities.Values.SelectMany(o => o), o => Assert.Matches(@"\(0[1-5]-[a-z-]+\.md(, 0[1-5]-[a-z-]+\.md)*\)$", o));
        Assert.Equal(5, entities["Resident survey"].Count);
        Assert.Contains(entities["Resident survey"], o => o.StartsWith("11 households reported cold rooms in January", StringComparison.Ordinal));
        Assert.Contains(entities["Costs and funding"], o => o.StartsWith("Scaling to the 640 remaining oil-heated homes", StringComparison.Ordinal));

        // What the analyst's search_nodes("January") found, as the cassette's analysis says: three of the entities.
        Assert.Equal(
            ["Energy performance", "Installation", "Resident survey"],
            entities.Where(e => e.Value.Any(o => o.Contains("january", StringComparison.OrdinalIgnoreCase))).Select(e => e.Key).Order(StringComparer.Ordinal));
    }

    /// <summary>The writer's report exists in the output folder and cites the example's documents, with their figures.</summary>
    private static void AssertReport(string outputDirectory)
    {
        var file = Path.Combine(outputDirectory, "research-report.md");
        Assert.True(File.Exists(file), "the writer's report exists");
        var report = File.ReadAllText(file);
        Assert.StartsWith("# Harbourside heat pump pilot: research report", report, StringComparison.Ordinal);

        var documents = Path.Combine(ExampleDirectory, "documents");
        var cited = Regex.Matches(report, @"0[1-9]-[a-z-]+\.md").Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(Directory.GetFiles(documents).Select(Path.GetFileName).Order(StringComparer.Ordinal), cited.Order(StringComparer.Ordinal));

        // A few of the report's figures, each in the document it cites.
        foreach (var (figure, document) in new[] { ("3.1", "03-energy-monitoring.md"), ("41 %", "03-energy-monitoring.md"), ("21,400 euros", "05-costs-and-funding.md"), ("88 %", "04-resident-survey.md"), ("2.6 working days", "02-installation-log.md") })
        {
            Assert.Contains(figure, report, StringComparison.Ordinal);
            Assert.Contains(figure, File.ReadAllText(Path.Combine(documents, document)), StringComparison.Ordinal);
        }
    }

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("agentmesh-research-").FullName;

        public string OutputDirectory => System.IO.Path.Combine(Path, "output");

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
                // A child process may still hold a file for a moment; the temp folder is left behind.
            }
        }
    }
}
