using System.Text.Json;
using System.Text.Json.Nodes;
using AgentMesh.Contracts.V1;
using StateContract = AgentMesh.Contracts.V1.State;

namespace AgentMesh.Tests.EndToEnd;

/// <summary>
/// Tools that misbehave during a run: the step goes on and the model is told (real probe MCP server; the model is
/// scripted, a stand-in because no model endpoint can run here).
/// </summary>
public sealed class MisbehavingToolTests
{
    [Fact]
    public async Task A_server_that_never_answers_times_out_and_the_model_gets_an_error_result()
    {
        var (events, transcript) = await ProbeRun.RunTurnAsync(
            null,
            ("c1", "probe__sleep", new JsonObject { ["ms"] = (ProbeRun.ToolTimeoutSeconds + 30) * 1000 }));

        var completed = Assert.Single(events, e => e.ToolCallCompleted is not null).ToolCallCompleted;
        Assert.True(completed.IsError);
        Assert.Contains("DeadlineExceeded", transcript[0].Text, StringComparison.Ordinal);
        Assert.Single(events, e => e.StepCompleted is not null);
    }

    [Fact]
    public async Task A_server_that_crashes_mid_call_gives_the_model_an_error_result_and_is_restarted_for_the_next_calls_and_runs()
    {
        // Turn 1 learns the probe's pid, turn 2 calls crash (the process exits while the call is in flight), turn 3
        // calls pid again, turn 4 answers. A second run then calls pid once more on the same host.
        await using var session = await ProbeRun.StartAsync(
            null,
            Cassettes.Planner(1, ProbeRun.Plan),
            Cassettes.ToolCall("researcher", "a", 1, "c1", "probe__pid", []),
            Cassettes.ToolCall("researcher", "a", 2, "c2", "probe__crash", []),
            Cassettes.ToolCall("researcher", "a", 3, "c3", "probe__pid", []),
            Cassettes.Answer("researcher", "a", 4, "survived the crash"),
            Cassettes.ToolCall("researcher", "b", 1, "c1", "probe__pid", []),
            Cassettes.Answer("researcher", "b", 2, "still there"));

        var runId = (await session.Client.StartRunAsync(new StartRunRequest { Goal = "a goal" })).RunId;
        var events = await RunObserver.WatchAsync(session.Client, runId);

        Assert.Equal(RunStatus.Completed, RunObserver.FinalStatus(events));
        Assert.Equal("survived the crash", (await session.Client.GetRunAsync(new GetRunRequest { RunId = runId })).Output);
        var completed = events.Where(e => e.ToolCallCompleted is not null).ToDictionary(e => e.ToolCallCompleted.ToolCallId, e => e.ToolCallCompleted);
        var crash = completed["c2"];
        Assert.True(crash.IsError);
        Assert.Contains("Error (Unavailable)", crash.Result, StringComparison.Ordinal);
        Assert.Contains("the connection broke during a call of 'crash'", crash.Result, StringComparison.Ordinal);
        Assert.False(completed["c1"].IsError);
        Assert.False(completed["c3"].IsError);
        Assert.NotEqual(completed["c1"].Result, completed["c3"].Result); // a new server process answered after the crash
        // The step was not failed or retried: the model read the error and went on.
        Assert.Single(events, e => e.StepStarted is not null);
        Assert.DoesNotContain(events, e => e.StepFailed is not null);
        Assert.Equal([1, 2, 3, 4], events.Where(e => e.ModelTurn is { AgentRole: "researcher" }).Select(e => e.ModelTurn.Turn));

        // The model got the error as the crash call's result.
        var checkpoint = await new StateContract.StateClient(session.Channel).GetCheckpointAsync(new GetCheckpointRequest { Key = $"{runId}/a" });
        using var json = JsonDocument.Parse(checkpoint.Data.Memory);
        var answer = json.RootElement.GetProperty("transcript").EnumerateArray()
            .Single(e => e.GetProperty("kind").GetString() == "tool" && e.GetProperty("toolCallId").GetString() == "c2");
        Assert.True(answer.GetProperty("isError").GetBoolean());
        Assert.Contains("the connection broke during a call of 'crash'", answer.GetProperty("text").GetString(), StringComparison.Ordinal);

        // The audit trail records the crashed call as an error.
        var trail = (await session.Client.ListToolCallsAsync(new ListToolCallsRequest { RunId = runId })).ToolCalls;
        Assert.Equal([("c1", "pid", "ok"), ("c2", "crash", "error"), ("c3", "pid", "ok")], trail.Select(t => (t.ToolCallId, t.Tool, t.Outcome)));

        // A later run on the same host uses the restarted server.
        var next = (await session.Client.StartRunAsync(new StartRunRequest
        {
            Plan = new Plan { Steps = { new PlanStep { Id = "b", AgentRole = "researcher", Instruction = "look again" } } },
        })).RunId;
        var nextEvents = await RunObserver.WatchAsync(session.Client, next);
        Assert.Equal(RunStatus.Completed, RunObserver.FinalStatus(nextEvents));
        var pid = Assert.Single(nextEvents, e => e.ToolCallCompleted is not null).ToolCallCompleted;
        Assert.False(pid.IsError);
        Assert.Equal(completed["c3"].Result, pid.Result);
    }
}
