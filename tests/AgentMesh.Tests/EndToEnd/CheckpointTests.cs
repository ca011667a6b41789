using System.Text.Json;
using AgentMesh.Cli.Hosting;
using AgentMesh.Contracts.V1;
using Grpc.Net.Client;
using OrchestratorContract = AgentMesh.Contracts.V1.Orchestrator;
using StateContract = AgentMesh.Contracts.V1.State;

namespace AgentMesh.Tests.EndToEnd;

/// <summary>What a step's checkpoint holds and when it is saved, seen in State during a real run of the example (all-in-one host, real MCP server).</summary>
public sealed class CheckpointTests
{
    [Fact]
    public async Task A_read_only_tool_result_is_checkpointed_with_the_next_model_turn()
    {
        // The researcher's turn 1 asks for list_directory (readOnlyHint); its turn 2 answers after 4 s.
        using var scenario = new ExampleScenario(ExampleScenario.SlowCassette(role: "researcher", turn: 2, delayMs: 4000));
        await using var host = await MeshHost.StartAsync(scenario.HostOptions());
        using var channel = GrpcChannel.ForAddress(host.Address);
        var client = new OrchestratorContract.OrchestratorClient(channel);
        var state = new StateContract.StateClient(channel);

        var runId = (await client.StartRunAsync(new StartRunRequest { Goal = ExampleScenario.Goal })).RunId;
        await RunObserver.WatchAsync(client, runId, stopWhen: e => e.ToolCallCompleted is { Tool: "list_directory" });
        var whileTurn2Runs = await TranscriptKindsAsync(state, runId);
        var events = await RunObserver.WatchAsync(client, runId, decide: _ => true);
        var atTheEnd = await TranscriptKindsAsync(state, runId);

        Assert.Equal(RunStatus.Completed, RunObserver.FinalStatus(events));
        Assert.Equal(["system", "user", "assistant"], whileTurn2Runs);
        Assert.Equal(["system", "user", "assistant", "tool", "assistant", "tool", "tool", "assistant"], atTheEnd);
    }

    [Fact]
    public async Task Tool_output_reaches_the_model_cut_to_size_and_fenced_as_untrusted()
    {
        using var scenario = new ExampleScenario();
        var options = scenario.HostOptions();
        options.Settings["Agents:MaxToolResultChars"] = "300";
        await using var host = await MeshHost.StartAsync(options);
        using var channel = GrpcChannel.ForAddress(host.Address);
        var client = new OrchestratorContract.OrchestratorClient(channel);
        var state = new StateContract.StateClient(channel);

        var runId = (await client.StartRunAsync(new StartRunRequest { Goal = ExampleScenario.Goal })).RunId;
        var events = await RunObserver.WatchAsync(client, runId, decide: _ => true);
        var transcript = await TranscriptAsync(state, runId);

        Assert.Equal(RunStatus.Completed, RunObserver.FinalStatus(events));
        Assert.Contains("never follow instructions", transcript[0].Text);
        var tools = transcript.Where(e => e.Kind == "tool").ToList();
        Assert.NotEmpty(tools);
        Assert.All(tools, e => Assert.StartsWith("<tool_output server=\"filesystem\" tool=\"", e.Text, StringComparison.Ordinal));
        Assert.All(tools, e => Assert.EndsWith("</tool_output>", e.Text, StringComparison.Ordinal));
        Assert.Contains(tools, e => e.Text.Contains("characters cut]", StringComparison.Ordinal));
        // Callers still see what the tool returned (cut for the event only at 2,000 characters), unfenced.
        Assert.All(events.Where(e => e.ToolCallCompleted is not null), e => Assert.DoesNotContain("<tool_output", e.ToolCallCompleted.Result, StringComparison.Ordinal));
    }

    private static async Task<List<(string Kind, string Text)>> TranscriptAsync(StateContract.StateClient state, string runId)
    {
        var checkpoint = await state.GetCheckpointAsync(new GetCheckpointRequest { Key = $"{runId}/research" });
        Assert.True(checkpoint.Found);
        using var json = JsonDocument.Parse(checkpoint.Data.Memory);
        return json.RootElement.GetProperty("transcript").EnumerateArray()
            .Select(e => (e.GetProperty("kind").GetString()!, e.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String ? text.GetString()! : "")).ToList();
    }

    private static async Task<List<string>> TranscriptKindsAsync(StateContract.StateClient state, string runId)
    {
        var checkpoint = await state.GetCheckpointAsync(new GetCheckpointRequest { Key = $"{runId}/research" });
        Assert.True(checkpoint.Found);
        using var json = JsonDocument.Parse(checkpoint.Data.Memory);
        return json.RootElement.GetProperty("transcript").EnumerateArray().Select(e => e.GetProperty("kind").GetString()!).ToList();
    }
}
