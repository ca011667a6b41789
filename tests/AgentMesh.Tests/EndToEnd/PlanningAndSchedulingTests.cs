using AgentMesh.Cli.Hosting;
using AgentMesh.Clients;
using AgentMesh.Contracts.V1;
using Grpc.Net.Client;
using OrchestratorContract = AgentMesh.Contracts.V1.Orchestrator;
using StateContract = AgentMesh.Contracts.V1.State;

namespace AgentMesh.Tests.EndToEnd;

/// <summary>
/// Planner correction and DAG scheduling on the in-process all-in-one host (real gRPC, real
/// SQLite; scripted model: no model endpoint can run here).
/// </summary>
public sealed class PlanningAndSchedulingTests
{
    private const string ValidPlan = """{"steps":[{"id":"a","role":"researcher","instruction":"find"}]}""";

    [Fact]
    public async Task An_invalid_plan_goes_back_to_the_model_once_with_the_errors()
    {
        var cassette = Cassettes.Write(
            Cassettes.Planner(1, """{"steps":[{"id":"a","role":"poet","instruction":"rhyme"}]}"""),
            Cassettes.Planner(2, ValidPlan),
            Cassettes.Answer("researcher", "a", 1, "found it"));
        var (status, events, run) = await RunGoalAsync(cassette);

        Assert.Equal(RunStatus.Completed, status);
        Assert.Equal([1, 2], events.Where(e => e.ModelTurn is { AgentRole: "planner" }).Select(e => e.ModelTurn.Turn));
        Assert.Equal("found it", run.Output);
    }

    [Fact]
    public async Task A_plan_still_invalid_after_the_correction_fails_the_run_with_the_reason()
    {
        var cassette = Cassettes.Write(
            Cassettes.Planner(1, "not json at all"),
            Cassettes.Planner(2, """{"steps":[{"id":"a","role":"researcher","instruction":"x","dependsOn":["zzz"]}]}"""));
        var (status, events, run) = await RunGoalAsync(cassette);

        Assert.Equal(RunStatus.Failed, status);
        Assert.Contains("still invalid after one correction", run.Error, StringComparison.Ordinal);
        Assert.Contains("depends on unknown step \"zzz\"", run.Error, StringComparison.Ordinal);
        // A model failure: planning is not run again.
        Assert.Equal("model", run.FailureClass);
        Assert.Equal(2, events.Count(e => e.ModelTurn is { AgentRole: "planner" }));
    }

    [Fact]
    public async Task Independent_steps_run_in_parallel_and_outputs_reach_the_steps_that_depend_on_them()
    {
        var cassette = Cassettes.Write(
            Cassettes.Planner(1, """
                {"steps":[
                  {"id":"left","role":"researcher","instruction":"left side"},
                  {"id":"right","role":"researcher","instruction":"right side"},
                  {"id":"join","role":"analyst","instruction":"compare","dependsOn":["left","right"]}]}
                """),
            Cassettes.Answer("researcher", "left", 1, "LEFT-FACTS", delayMs: 1500),
            Cassettes.Answer("researcher", "right", 1, "RIGHT-FACTS", delayMs: 1500),
            Cassettes.Answer("analyst", "join", 1, "both compared"));
        var (status, events, run) = await RunGoalAsync(cassette, async (channel, runId) =>
        {
            var checkpoint = await new StateContract.StateClient(channel).GetCheckpointAsync(new GetCheckpointRequest { Key = $"{runId}/join" });
            var text = checkpoint.Data.ToStringUtf8();
            Assert.Contains("LEFT-FACTS", text, StringComparison.Ordinal);
            Assert.Contains("RIGHT-FACTS", text, StringComparison.Ordinal);
        });

        Assert.Equal(RunStatus.Completed, status);
        var order = events.Select(e => e.StepStarted?.StepId is { } s ? "start:" + s : e.StepCompleted?.StepId is { } c ? "done:" + c : null).OfType<string>().ToList();
        Assert.True(order.IndexOf("start:right") < order.IndexOf("done:left") && order.IndexOf("start:left") < order.IndexOf("done:right"), string.Join(", ", order));
        Assert.True(order.IndexOf("start:join") > Math.Max(order.IndexOf("done:left"), order.IndexOf("done:right")), string.Join(", ", order));
        Assert.Equal("both compared", run.Output);
        Assert.Equal(4 * 10, run.Usage.InputTokens);
    }

    [Fact]
    public async Task A_step_that_never_answers_stops_at_the_iteration_limit_without_retry()
    {
        var loop = Enumerable.Range(1, 3).Select(turn => Cassettes.ToolCall("researcher", "a", turn, $"c{turn}", "filesystem__list_allowed_directories", new())).ToArray();
        var cassette = Cassettes.Write([Cassettes.Planner(1, ValidPlan), .. loop]);
        var (status, events, run) = await RunGoalAsync(cassette, settings: new() { ["Agents:MaxIterations"] = "3", ["Agents:LoopDetectionRepeats"] = "4" });

        Assert.Equal(RunStatus.Failed, status);
        Assert.Contains("reached the limit of 3 model turns", run.Error, StringComparison.Ordinal);
        Assert.Equal(3, events.Count(e => e.ToolCallCompleted is { Tool: "list_allowed_directories", IsError: false }));
        // A logic failure: the step is not run again.
        Assert.Equal("logic", Assert.Single(events, e => e.StepFailed is not null).StepFailed.FailureClass);
        Assert.Single(events, e => e.StepStarted is not null);
    }

    [Fact]
    public async Task A_model_repeating_the_same_call_is_stopped_as_a_loop_and_the_step_is_not_retried()
    {
        var loop = Enumerable.Range(1, 12).Select(turn => Cassettes.ToolCall("researcher", "a", turn, $"c{turn}", "filesystem__list_directory", new() { ["path"] = RepoPaths.Root })).ToArray();
        var cassette = Cassettes.Write([Cassettes.Planner(1, ValidPlan), .. loop]);
        var (status, events, run) = await RunGoalAsync(cassette);

        Assert.Equal(RunStatus.Failed, status);
        Assert.Contains("loop_detected", run.Error, StringComparison.Ordinal);
        Assert.Contains("called filesystem__list_directory with the same arguments 3 times in a row", run.Error, StringComparison.Ordinal);
        var failed = Assert.Single(events, e => e.StepFailed is not null).StepFailed;
        Assert.Equal("logic", failed.FailureClass);
        Assert.Equal("logic", run.FailureClass);
        Assert.Equal("logic", events.Last(e => e.StatusChanged is not null).StatusChanged.FailureClass);
        Assert.Single(events, e => e.StepStarted is { StepId: "a" });
        Assert.Equal(3, events.Count(e => e.ModelTurn is { AgentRole: "researcher" }));
        Assert.Equal(2, events.Count(e => e.ToolCallCompleted is { Tool: "list_directory" }));
    }

    [Fact]
    public async Task Arguments_that_do_not_match_the_schema_never_reach_the_tool_and_the_model_gets_one_correction()
    {
        var cassette = Cassettes.Write(
            Cassettes.Planner(1, ValidPlan),
            Cassettes.ToolCall("researcher", "a", 1, "c1", "filesystem__read_text_file", new() { ["path"] = 42 }),
            Cassettes.ToolCall("researcher", "a", 2, "c2", "filesystem__read_text_file", new() { ["path"] = Path.Combine(RepoPaths.Root, "README.md") }),
            Cassettes.Answer("researcher", "a", 3, "read it"));
        var (status, events, run) = await RunGoalAsync(cassette, async (channel, runId) =>
        {
            var checkpoint = await new StateContract.StateClient(channel).GetCheckpointAsync(new GetCheckpointRequest { Key = $"{runId}/a" });
            Assert.Contains("do not match its input schema", checkpoint.Data.ToStringUtf8(), StringComparison.Ordinal);
        });

        Assert.Equal(RunStatus.Completed, status);
        Assert.Equal("read it", run.Output);
        Assert.Equal(["c2"], events.Where(e => e.ToolCallStarted is not null).Select(e => e.ToolCallStarted.ToolCallId));
    }

    [Fact]
    public async Task A_second_invalid_call_after_the_correction_fails_the_step_as_a_model_error_without_retry()
    {
        var cassette = Cassettes.Write(
            Cassettes.Planner(1, ValidPlan),
            Cassettes.ToolCall("researcher", "a", 1, "c1", "filesystem__read_text_file", new() { ["path"] = 42 }),
            Cassettes.ToolCall("researcher", "a", 2, "c2", "filesystem__no_such_tool", new()));
        var (status, events, run) = await RunGoalAsync(cassette);

        Assert.Equal(RunStatus.Failed, status);
        Assert.Contains("model_error", run.Error, StringComparison.Ordinal);
        Assert.Contains("there is no tool named \"filesystem__no_such_tool\"", run.Error, StringComparison.Ordinal);
        Assert.Equal("model", Assert.Single(events, e => e.StepFailed is not null).StepFailed.FailureClass);
        Assert.Single(events, e => e.StepStarted is not null);
        Assert.DoesNotContain(events, e => e.ToolCallStarted is not null);
    }

    private static async Task<(RunStatus Status, List<RunEvent> Events, Run Run)> RunGoalAsync(
        string cassette, Func<GrpcChannel, string, Task>? inspect = null, Dictionary<string, string>? settings = null)
    {
        using var scenario = new ExampleScenario(cassette);
        var options = scenario.HostOptions();
        // These runs show how one plan's steps fail; a new plan after a failure (replanning) has tests of its own.
        options.Settings["Orchestrator:MaxReplans"] = "0";
        foreach (var (key, value) in settings ?? [])
        {
            options.Settings[key] = value;
        }

        await using var host = await MeshHost.StartAsync(options);
        using var channel = GrpcChannel.ForAddress(host.Address);
        var client = new OrchestratorContract.OrchestratorClient(channel);
        var runId = (await client.StartRunAsync(new StartRunRequest { Goal = "a goal" })).RunId;
        var events = await RunObserver.WatchAsync(client, runId);
        if (inspect is not null)
        {
            await inspect(channel, runId);
        }

        var run = await client.GetRunAsync(new GetRunRequest { RunId = runId });
        return (RunObserver.FinalStatus(events)!.Value, events, run);
    }
}
