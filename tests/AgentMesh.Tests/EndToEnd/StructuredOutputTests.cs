using System.Text.Json;
using System.Text.Json.Nodes;
using AgentMesh.Contracts.V1;
using StateContract = AgentMesh.Contracts.V1.State;

namespace AgentMesh.Tests.EndToEnd;

/// <summary>
/// A role with an output schema (analyst.schema.json beside the built-in prompts) on the all-in-one host. The model is
/// the scripted provider (a stand-in: no model endpoint can run here).
/// </summary>
public sealed class StructuredOutputTests : IDisposable
{
    private const string Plan = """{"steps":[{"id":"a","role":"analyst","instruction":"judge"},{"id":"b","role":"writer","instruction":"report","dependsOn":["a"]}]}""";
    private readonly string _prompts = Directory.CreateTempSubdirectory("agentmesh-prompts-").FullName;

    public StructuredOutputTests()
    {
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "services", "agents", "prompts"), "*.md"))
            File.Copy(file, Path.Combine(_prompts, Path.GetFileName(file)));
        File.WriteAllText(Path.Combine(_prompts, "analyst.schema.json"),
            """{"type":"object","properties":{"verdict":{"enum":["ok","bad"]},"score":{"type":"integer"}},"required":["verdict","score"]}""");
    }

    private Dictionary<string, string> Settings => new() { ["Agents:PromptsDirectory"] = _prompts, ["Orchestrator:MaxReplans"] = "0" };

    [Fact]
    public async Task An_answer_off_the_schema_gets_one_correction_turn_and_the_dependent_step_receives_the_parsed_object()
    {
        await using var session = await ProbeRun.StartAsync(
            Settings,
            Cassettes.Planner(1, Plan),
            Cassettes.Answer("analyst", "a", 1, """{"verdict":"ok"}"""),
            Cassettes.Answer("analyst", "a", 2, "```json\n{\"verdict\":\"ok\",\"score\":3}\n```"),
            Cassettes.Answer("writer", "b", 1, "written"));
        var runId = (await session.Client.StartRunAsync(new StartRunRequest { Goal = "g" })).RunId;
        var events = await RunObserver.WatchAsync(session.Client, runId);

        Assert.Equal(RunStatus.Completed, RunObserver.FinalStatus(events));
        var analysed = Assert.Single(events, e => e.StepCompleted is { StepId: "a" }).StepCompleted;
        Assert.Equal("""{"verdict":"ok","score":3}""", analysed.Output);
        Assert.Equal("ok", analysed.OutputValue.StructValue.Fields["verdict"].StringValue);
        Assert.Equal(3, analysed.OutputValue.StructValue.Fields["score"].NumberValue);

        var state = new StateContract.StateClient(session.Channel);
        var analyst = await TranscriptAsync(state, runId, "a");
        Assert.Contains(analyst, e => e.Kind == "user" && e.Text.Contains("What was wrong: answer: Required properties", StringComparison.Ordinal));
        var writerPrompt = (await TranscriptAsync(state, runId, "b")).First(e => e.Kind == "user").Text;
        Assert.Contains("Output of step a (analyst, JSON that fits its output schema):\n{\"verdict\":\"ok\",\"score\":3}", writerPrompt.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task A_second_answer_off_the_schema_fails_the_step_with_class_model()
    {
        await using var session = await ProbeRun.StartAsync(
            Settings,
            Cassettes.Planner(1, Plan),
            Cassettes.Answer("analyst", "a", 1, "It looks fine to me."),
            Cassettes.Answer("analyst", "a", 2, """{"verdict":"fine","score":3}"""));
        var runId = (await session.Client.StartRunAsync(new StartRunRequest { Goal = "g" })).RunId;
        var events = await RunObserver.WatchAsync(session.Client, runId);

        Assert.Equal(RunStatus.Failed, RunObserver.FinalStatus(events));
        var failed = Assert.Single(events, e => e.StepFailed is not null).StepFailed;
        Assert.Equal("model", failed.FailureClass);
        Assert.Contains("answer/verdict", failed.Error);
        Assert.DoesNotContain(events, e => e.StepStarted is { StepId: "b" });
    }

    private static async Task<List<(string Kind, string Text)>> TranscriptAsync(StateContract.StateClient state, string runId, string stepId)
    {
        var checkpoint = await state.GetCheckpointAsync(new GetCheckpointRequest { Key = $"{runId}/{stepId}" });
        using var json = JsonDocument.Parse(checkpoint.Data.Memory);
        return json.RootElement.GetProperty("transcript").EnumerateArray()
            .Select(e => (e.GetProperty("kind").GetString()!, e.GetProperty("text").GetString() ?? "")).ToList();
    }

    public void Dispose() => Directory.Delete(_prompts, recursive: true);
}
