using System.Text.Json;
using AgentMesh.Contracts.V1;
using Grpc.Net.Client;
using OrchestratorContract = AgentMesh.Contracts.V1.Orchestrator;
using StateContract = AgentMesh.Contracts.V1.State;

namespace AgentMesh.Tests.EndToEnd;

/// <summary>
/// The evaluator-optimizer pattern (PlanStep.review_by) on the all-in-one host. The model is the scripted provider (a
/// stand-in: no model endpoint can run here): a writer's drafts, a reviewer's verdicts.
/// </summary>
public sealed class ReviewLoopTests
{
    private static string Plan(int rounds) => $$"""{"steps":[{"id":"w","role":"writer","instruction":"draft","reviewBy":"reviewer","maxReviewRounds":{{rounds}}},{"id":"x","role":"analyst","instruction":"use it","dependsOn":["w"]}]}""";

    private static string Verdict(string verdict, string feedback) => JsonSerializer.Serialize(new { verdict, feedback });

    [Fact]
    public async Task A_reviewer_sends_the_step_back_with_feedback_and_the_dependents_get_the_approved_revision()
    {
        await using var session = await ProbeRun.StartAsync(
            null,
            Cassettes.Planner(1, Plan(2)),
            Cassettes.Answer("writer", "w", 1, "draft one"),
            Cassettes.Answer("reviewer", "w-review-1", 1, Verdict("revise", "Add a title.")),
            Cassettes.Answer("writer", "w", 2, "# Title\ndraft two"),
            Cassettes.Answer("reviewer", "w-review-2", 1, Verdict("approve", "Good.")),
            Cassettes.Answer("analyst", "x", 1, "used"));
        var runId = (await session.Client.StartRunAsync(new StartRunRequest { Goal = "g" })).RunId;
        var events = await RunObserver.WatchAsync(session.Client, runId);

        Assert.Equal(RunStatus.Completed, RunObserver.FinalStatus(events));
        var reviews = events.Where(e => e.ReviewRound is not null).Select(e => e.ReviewRound).ToList();
        Assert.Equal(
            [("w-review-1", 1, false, "Add a title.", false), ("w-review-2", 2, true, "Good.", true)],
            reviews.Select(r => (r.ReviewerStepId, r.Round, r.Approved, r.Feedback, r.Final)));
        Assert.Equal([1, 2], events.Where(e => e.StepStarted is { StepId: "w" }).Select(e => e.StepStarted.Round));
        var state = new StateContract.StateClient(session.Channel);
        Assert.Contains("A reviewer sent your answer back with this feedback:\nAdd a title.", await TranscriptTextAsync(state, runId, "w"));
        Assert.Contains("Output of step w (writer):\n# Title\ndraft two", (await TranscriptTextAsync(state, runId, "x")).ReplaceLineEndings("\n"));
        // Every model turn counts once: planner, two drafts, two reviews, the analyst.
        var run = await session.Client.GetRunAsync(new GetRunRequest { RunId = runId });
        Assert.Equal(60, run.Usage.InputTokens);
    }

    [Fact]
    public async Task When_the_rounds_run_out_the_last_version_stands_and_the_run_goes_on()
    {
        await using var session = await ProbeRun.StartAsync(
            null,
            Cassettes.Planner(1, Plan(1)),
            Cassettes.Answer("writer", "w", 1, "draft one"),
            Cassettes.Answer("reviewer", "w-review-1", 1, Verdict("revise", "Shorter.")),
            Cassettes.Answer("analyst", "x", 1, "used"));
        var runId = (await session.Client.StartRunAsync(new StartRunRequest { Goal = "g" })).RunId;
        var events = await RunObserver.WatchAsync(session.Client, runId);

        Assert.Equal(RunStatus.Completed, RunObserver.FinalStatus(events));
        var review = Assert.Single(events, e => e.ReviewRound is not null).ReviewRound;
        Assert.Equal((false, true), (review.Approved, review.Final));
        Assert.Equal("draft one", Assert.Single(events, e => e.StepCompleted is { StepId: "w" }).StepCompleted.Output);
    }

    [Fact]
    public async Task A_review_loop_survives_a_SIGKILL_mid_revision_without_repeating_its_finished_rounds()
    {
        using var scenario = new ExampleScenario(Cassettes.Write(
            Cassettes.Planner(1, """{"steps":[{"id":"w","role":"writer","instruction":"draft","reviewBy":"reviewer"}]}"""),
            Cassettes.Answer("writer", "w", 1, "draft one"),
            Cassettes.Answer("reviewer", "w-review-1", 1, Verdict("revise", "Add a title.")),
            Cassettes.Answer("writer", "w", 2, "# Title\ndraft two", delayMs: 4000),
            Cassettes.Answer("reviewer", "w-review-2", 1, Verdict("approve", "Good."))));
        var port = HostProcess.FreePort();
        string runId;
        using (var host = await HostProcess.StartAsync(scenario.UpArguments(port)))
        {
            using var channel = GrpcChannel.ForAddress(host.Address);
            var client = new OrchestratorContract.OrchestratorClient(channel);
            runId = (await client.StartRunAsync(new StartRunRequest { Goal = "g" })).RunId;
            await RunObserver.WatchAsync(client, runId, stopWhen: e => e.StepStarted is { StepId: "w", Round: 2 });
            await Task.Delay(1000);
            host.Kill();
        }

        using (var host = await HostProcess.StartAsync(scenario.UpArguments(port)))
        {
            using var channel = GrpcChannel.ForAddress(host.Address);
            var client = new OrchestratorContract.OrchestratorClient(channel);
            var events = await RunObserver.WatchAsync(client, runId);

            Assert.Equal(RunStatus.Completed, RunObserver.FinalStatus(events));
            Assert.Equal([1, 2], events.Where(e => e.ReviewRound is not null).Select(e => e.ReviewRound.Round));
            Assert.Single(events, e => e.StepStarted is { StepId: "w", Round: 1 });
            Assert.Single(events, e => e.StepStarted is { StepId: "w-review-1" });
            Assert.Equal("# Title\ndraft two", (await client.GetRunAsync(new GetRunRequest { RunId = runId })).Output);
        }
    }

    private static async Task<string> TranscriptTextAsync(StateContract.StateClient state, string runId, string stepId)
    {
        var checkpoint = await state.GetCheckpointAsync(new GetCheckpointRequest { Key = $"{runId}/{stepId}" });
        using var json = JsonDocument.Parse(checkpoint.Data.Memory);
        return string.Join("\n", json.RootElement.GetProperty("transcript").EnumerateArray().Select(e => e.GetProperty("text").GetString()));
    }
}
