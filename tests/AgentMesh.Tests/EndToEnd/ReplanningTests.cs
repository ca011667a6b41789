using System.Text.Json.Nodes;
using AgentMesh.Contracts.V1;

namespace AgentMesh.Tests.EndToEnd;

/// <summary>
/// Replanning on the all-in-one host: a step fails for good, the Planner makes a new plan version from the failure and
/// the outputs so far. The model is the scripted provider (a stand-in: no model endpoint can run here); the planner's
/// second call is tagged step "replan-2".
/// </summary>
public sealed class ReplanningTests
{
    private const string First = """{"steps":[{"id":"a","role":"researcher","instruction":"look"},{"id":"b","role":"researcher","instruction":"loop","dependsOn":["a"]}]}""";
    private const string Second = """{"steps":[{"id":"c","role":"writer","instruction":"answer from what a found"}]}""";

    /// <summary>Turn <paramref name="turn"/> of step b: the same read-only call each time, which loop detection stops at the third.</summary>
    private static JsonObject Same(int turn) => Cassettes.ToolCall("researcher", "b", turn, $"b{turn}", "probe__pid", []);

    [Fact]
    public async Task A_step_that_fails_for_good_gets_the_run_a_new_plan_version_that_completes_it()
    {
        var replan = Cassettes.Planner(1, Second);
        replan["step"] = "replan-2";
        await using var session = await ProbeRun.StartAsync(
            null,
            Cassettes.Planner(1, First), replan,
            Cassettes.Answer("researcher", "a", 1, "a found 42"),
            Same(1), Same(2), Same(3),
            Cassettes.Answer("writer", "c", 1, "the answer is 42"));
        var runId = (await session.Client.StartRunAsync(new StartRunRequest { Goal = "g" })).RunId;
        var events = await RunObserver.WatchAsync(session.Client, runId);

        Assert.Equal(RunStatus.Completed, RunObserver.FinalStatus(events));
        Assert.Equal([1, 2], events.Where(e => e.PlanCreated is not null).Select(e => e.PlanCreated.Version));
        Assert.Equal("logic", Assert.Single(events, e => e.StepFailed is not null).StepFailed.FailureClass);
        Assert.Equal(2, Assert.Single(events, e => e.StepStarted is { StepId: "c" }).StepStarted.PlanVersion);
        var run = await session.Client.GetRunAsync(new GetRunRequest { RunId = runId });
        Assert.Equal(["a,b", "c"], run.PlanVersions.Select(p => string.Join(",", p.Steps.Select(s => s.Id))));
        Assert.Equal("c", Assert.Single(run.Plan.Steps).Id);
        Assert.Equal("the answer is 42", run.Output);
        // Two planner calls, a's turn, b's three, c's one.
        Assert.Equal(70, run.Usage.InputTokens);
    }

    [Fact]
    public async Task With_replanning_off_or_used_up_the_failure_ends_the_run()
    {
        var replan = Cassettes.Planner(1, First);
        replan["step"] = "replan-2";
        // The new plan fails the same way; with one replan allowed, that second failure ends the run.
        await using var session = await ProbeRun.StartAsync(
            null,
            Cassettes.Planner(1, First), replan,
            Cassettes.Answer("researcher", "a", 1, "a found 42"),
            Same(1), Same(2), Same(3));
        var runId = (await session.Client.StartRunAsync(new StartRunRequest { Goal = "g" })).RunId;
        var events = await RunObserver.WatchAsync(session.Client, runId);

        Assert.Equal(RunStatus.Failed, RunObserver.FinalStatus(events));
        Assert.Equal([1, 2], events.Where(e => e.PlanCreated is not null).Select(e => e.PlanCreated.Version));
        Assert.Equal(2, events.Count(e => e.StepFailed is not null));
        Assert.Equal(2, (await session.Client.GetRunAsync(new GetRunRequest { RunId = runId })).PlanVersions.Count);
    }
}
