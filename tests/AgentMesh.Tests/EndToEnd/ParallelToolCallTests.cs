using System.Text.Json;
using System.Text.Json.Nodes;
using AgentMesh.Cli.Hosting;
using AgentMesh.Contracts.V1;
using AgentMesh.Tests.ToolHost;
using Grpc.Net.Client;
using OrchestratorContract = AgentMesh.Contracts.V1.Orchestrator;
using StateContract = AgentMesh.Contracts.V1.State;

namespace AgentMesh.Tests.EndToEnd;

/// <summary>
/// The tool calls of one model turn on the all-in-one host, against the real probe MCP server (its <c>sleep</c>
/// is read-only, its <c>fail</c> is neither read-only nor destructive): all read-only, they run at once; one
/// that is not, they run in order. Either way the results go back to the model in its order.
/// </summary>
public sealed class ParallelToolCallTests
{
    private const string Plan = """{"steps":[{"id":"a","role":"researcher","instruction":"look"}]}""";

    [Fact]
    public async Task Read_only_calls_of_one_turn_run_at_once_and_answer_in_the_models_order()
    {
        var (events, transcript) = await RunTurnAsync(
            ("c1", "probe__sleep", new JsonObject { ["ms"] = 800 }),
            ("c2", "probe__sleep", new JsonObject { ["ms"] = 10 }));

        Assert.Equal(["start c1", "start c2", "done c2", "done c1"], ToolOrder(events));
        Assert.Equal(["c1", "c2"], transcript);
    }

    [Fact]
    public async Task A_turn_with_a_call_that_is_not_read_only_runs_its_calls_in_order()
    {
        var (events, transcript) = await RunTurnAsync(
            ("c1", "probe__sleep", new JsonObject { ["ms"] = 300 }),
            ("c2", "probe__fail", new JsonObject()));

        Assert.Equal(["start c1", "done c1", "start c2", "done c2"], ToolOrder(events));
        Assert.Equal(["c1", "c2"], transcript);
    }

    private static List<string> ToolOrder(IEnumerable<RunEvent> events) => events
        .Select(e => e.ToolCallStarted is { } s ? $"start {s.ToolCallId}" : e.ToolCallCompleted is { } c ? $"done {c.ToolCallId}" : null)
        .OfType<string>().ToList();

    /// <summary>Runs a one-step plan whose first turn makes <paramref name="calls"/>; returns the run's events and the tool call ids of the step's transcript, in order.</summary>
    private static async Task<(List<RunEvent> Events, List<string> Transcript)> RunTurnAsync(params (string, string, JsonObject)[] calls)
    {
        var cassette = Cassettes.Write(
            Cassettes.Planner(1, Plan),
            Cassettes.ToolCalls("researcher", "a", 1, calls),
            Cassettes.Answer("researcher", "a", 2, "seen"));
        using var scenario = new ExampleScenario(cassette);
        var config = Path.Combine(Path.GetDirectoryName(cassette)!, "mcp.json");
        File.WriteAllText(config, new JsonObject
        {
            ["mcpServers"] = new JsonObject { ["probe"] = new JsonObject { ["command"] = "node", ["args"] = new JsonArray(McpTestServers.ProbeScript) } },
        }.ToJsonString());
        var options = scenario.HostOptions();
        options.McpConfigPath = config;
        await using var host = await MeshHost.StartAsync(options);
        using var channel = GrpcChannel.ForAddress(host.Address);
        var client = new OrchestratorContract.OrchestratorClient(channel);

        var runId = (await client.StartRunAsync(new StartRunRequest { Goal = "a goal" })).RunId;
        var events = await RunObserver.WatchAsync(client, runId);
        Assert.Equal(RunStatus.Completed, RunObserver.FinalStatus(events));
        var checkpoint = await new StateContract.StateClient(channel).GetCheckpointAsync(new GetCheckpointRequest { Key = $"{runId}/a" });
        using var json = JsonDocument.Parse(checkpoint.Data.Memory);
        var transcript = json.RootElement.GetProperty("transcript").EnumerateArray()
            .Where(e => e.GetProperty("kind").GetString() == "tool")
            .Select(e => e.GetProperty("toolCallId").GetString()!).ToList();
        return (events, transcript);
    }
}
