using System.Text.Json.Nodes;
using AgentMesh.Contracts.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace AgentMesh.Tests.EndToEnd;

/// <summary>
/// Run budgets on the all-in-one host with the real probe MCP server. The model is the scripted provider (a stand-in:
/// no model endpoint can run here); every scripted turn reports 10 input and 5 output tokens unless a test says otherwise.
/// </summary>
public sealed class BudgetTests
{
    /// <summary>A turn that calls probe/pid (read-only), with an argument that differs per turn so loop detection stays quiet.</summary>
    private static JsonObject Pid(int turn) => Cassettes.ToolCall("researcher", "a", turn, $"c{turn}", "probe__pid", new JsonObject { ["turn"] = turn });

    [Fact]
    public async Task A_run_over_its_tool_call_budget_fails_mid_step_with_BudgetExceeded()
    {
        await using var session = await ProbeRun.StartAsync(null, Cassettes.Planner(1, ProbeRun.Plan), Pid(1), Pid(2), Pid(3), Cassettes.Answer("researcher", "a", 4, "done"));
        var runId = (await session.Client.StartRunAsync(new StartRunRequest { Goal = "g", Budget = new Budget { MaxToolCalls = 2 } })).RunId;
        var events = await RunObserver.WatchAsync(session.Client, runId);

        Assert.Equal(RunStatus.Failed, RunObserver.FinalStatus(events));
        Assert.Equal(2, events.Count(e => e.ToolCallCompleted is not null));
        var exceeded = Assert.Single(events, e => e.BudgetExceeded is not null).BudgetExceeded;
        Assert.Equal(("tool_calls", 2d, 2d, "a"), (exceeded.Budget, exceeded.Limit, exceeded.Used, exceeded.StepId));
        var run = await session.Client.GetRunAsync(new GetRunRequest { RunId = runId });
        Assert.Equal("logic", run.FailureClass);
        Assert.Contains("budget of tool calls", run.Error);
        Assert.Equal(2, run.Usage.ToolCalls);
        Assert.Equal(2, run.Budget.MaxToolCalls);
        // The step's three model turns and the planner's one all count.
        Assert.Equal((40, 20), (run.Usage.InputTokens, run.Usage.OutputTokens));
        Assert.Equal("logic", Assert.Single(events, e => e.StatusChanged is { Status: RunStatus.Failed }).StatusChanged.FailureClass);
    }

    [Fact]
    public async Task Planning_counts_against_the_output_token_budget_and_the_step_stops_after_the_turn_that_goes_over()
    {
        await using var session = await ProbeRun.StartAsync(null, Cassettes.Planner(1, ProbeRun.Plan), Pid(1), Cassettes.Answer("researcher", "a", 2, "done"));
        var runId = (await session.Client.StartRunAsync(new StartRunRequest { Goal = "g", Budget = new Budget { MaxOutputTokens = 7 } })).RunId;
        var events = await RunObserver.WatchAsync(session.Client, runId);

        Assert.Equal(RunStatus.Failed, RunObserver.FinalStatus(events));
        var exceeded = Assert.Single(events, e => e.BudgetExceeded is not null).BudgetExceeded;
        Assert.Equal(("output_tokens", 7d, 10d), (exceeded.Budget, exceeded.Limit, exceeded.Used));
        Assert.DoesNotContain(events, e => e.ToolCallStarted is not null);
    }

    [Fact]
    public async Task The_model_turns_per_step_budget_stops_a_step_before_its_next_model_call()
    {
        await using var session = await ProbeRun.StartAsync(null, Cassettes.Planner(1, ProbeRun.Plan), Pid(1), Cassettes.Answer("researcher", "a", 2, "done"));
        var runId = (await session.Client.StartRunAsync(new StartRunRequest { Goal = "g", Budget = new Budget { MaxModelTurnsPerStep = 1 } })).RunId;
        var events = await RunObserver.WatchAsync(session.Client, runId);

        Assert.Equal(RunStatus.Failed, RunObserver.FinalStatus(events));
        var exceeded = Assert.Single(events, e => e.BudgetExceeded is not null).BudgetExceeded;
        Assert.Equal(("model_turns_per_step", 1d, 1d, "a"), (exceeded.Budget, exceeded.Limit, exceeded.Used, exceeded.StepId));
        Assert.Single(events, e => e.ToolCallCompleted is not null);
    }

    [Fact]
    public async Task The_wall_time_budget_stops_a_step_that_runs_too_long()
    {
        await using var session = await ProbeRun.StartAsync(
            null,
            Cassettes.Planner(1, ProbeRun.Plan),
            Cassettes.ToolCall("researcher", "a", 1, "c1", "probe__sleep", new JsonObject { ["ms"] = 1500 }),
            Cassettes.ToolCall("researcher", "a", 2, "c2", "probe__sleep", new JsonObject { ["ms"] = 1500 }),
            Cassettes.Answer("researcher", "a", 3, "done"));
        var runId = (await session.Client.StartRunAsync(new StartRunRequest { Goal = "g", Budget = new Budget { MaxWallTime = Duration.FromTimeSpan(TimeSpan.FromSeconds(2)) } })).RunId;
        var events = await RunObserver.WatchAsync(session.Client, runId);

        Assert.Equal(RunStatus.Failed, RunObserver.FinalStatus(events));
        var exceeded = Assert.Single(events, e => e.BudgetExceeded is not null).BudgetExceeded;
        Assert.Equal(("wall_time_seconds", 2d, "a"), (exceeded.Budget, exceeded.Limit, exceeded.StepId));
        Assert.InRange(exceeded.Used, 2, 30);
        Assert.DoesNotContain(events, e => e.StepCompleted is not null);
    }

    [Fact]
    public async Task The_wall_time_budget_also_runs_while_an_approval_is_awaited()
    {
        // probe/plain declares no annotations, so it is gated (destructiveHint unset is assumed destructive).
        await using var session = await ProbeRun.StartAsync(
            null,
            Cassettes.Planner(1, ProbeRun.Plan),
            Cassettes.ToolCall("researcher", "a", 1, "c1", "probe__plain", []),
            Cassettes.Answer("researcher", "a", 2, "done"));
        var runId = (await session.Client.StartRunAsync(new StartRunRequest { Goal = "g", Budget = new Budget { MaxWallTime = Duration.FromTimeSpan(TimeSpan.FromSeconds(2)) } })).RunId;
        var events = await RunObserver.WatchAsync(session.Client, runId);

        Assert.Single(events, e => e.ApprovalRequested is not null);
        Assert.Equal(RunStatus.Failed, RunObserver.FinalStatus(events));
        Assert.Equal("wall_time_seconds", Assert.Single(events, e => e.BudgetExceeded is not null).BudgetExceeded.Budget);
        Assert.Empty((await session.Client.GetRunAsync(new GetRunRequest { RunId = runId })).PendingApprovals);
    }

    [Fact]
    public async Task Cost_comes_from_the_price_table_and_runs_are_listed_by_label_to_sum_it_per_tenant()
    {
        var planner = Cassettes.Planner(1, ProbeRun.Plan);
        var answer = Cassettes.Answer("researcher", "a", 1, "done");
        // A dated model id is priced by its family's entry; 4 of the answer's 10 input tokens came from the prompt cache.
        planner["response"]!["model"] = "gpt-test-2025-01-01";
        answer["response"]!["model"] = "gpt-test-2025-01-01";
        answer["response"]!["usage"]!["cachedInputTokens"] = 4;
        await using var session = await ProbeRun.StartAsync(
            new() { ["Models:Prices:gpt-test:Input"] = "2", ["Models:Prices:gpt-test:CachedInput"] = "0.5", ["Models:Prices:gpt-test:Output"] = "10" },
            planner, answer);
        var tenants = new[] { "acme", "globex", "acme" };
        var runIds = new List<string>();
        foreach (var tenant in tenants)
        {
            var runId = (await session.Client.StartRunAsync(new StartRunRequest { Goal = "g", Labels = { ["tenant"] = tenant, ["team"] = "x" } })).RunId;
            Assert.Equal(RunStatus.Completed, RunObserver.FinalStatus(await RunObserver.WatchAsync(session.Client, runId)));
            runIds.Add(runId);
        }

        // Planner: 10 × $2 + 5 × $10; the answer: 6 × $2 + 4 × $0.5 + 5 × $10 (per 1M tokens).
        const double perRun = (10 * 2 + 5 * 10 + 6 * 2 + 4 * 0.5 + 5 * 10) / 1_000_000d;
        var run = await session.Client.GetRunAsync(new GetRunRequest { RunId = runIds[0] });
        Assert.Equal(perRun, run.Usage.CostUsd, 12);
        Assert.Equal(4, run.Usage.CachedInputTokens);
        var completed = Assert.Single(await RunObserver.WatchAsync(session.Client, runIds[0]), e => e.StatusChanged is { Status: RunStatus.Completed });
        Assert.Equal(perRun, completed.StatusChanged.Usage.CostUsd, 12);

        var acme = await session.Client.ListRunsAsync(new ListRunsRequest { Labels = { ["tenant"] = "acme" } });
        Assert.Equal(new[] { runIds[0], runIds[2] }.Order(), acme.Runs.Select(r => r.RunId).Order());
        Assert.Equal(2 * perRun, acme.Runs.Sum(r => r.Usage.CostUsd), 12);
        Assert.Single((await session.Client.ListRunsAsync(new ListRunsRequest { Labels = { ["tenant"] = "globex", ["team"] = "x" } })).Runs);
        Assert.Empty((await session.Client.ListRunsAsync(new ListRunsRequest { Labels = { ["tenant"] = "globex", ["team"] = "y" } })).Runs);
    }

    [Fact]
    public async Task StartRun_refuses_a_budget_above_the_configured_default_and_bad_labels_naming_the_fields()
    {
        await using var session = await ProbeRun.StartAsync(new() { ["Orchestrator:Budget:MaxToolCalls"] = "10" }, Cassettes.Planner(1, ProbeRun.Plan));

        var raised = await Assert.ThrowsAsync<RpcException>(() => session.Client.StartRunAsync(new StartRunRequest { Goal = "g", Budget = new Budget { MaxToolCalls = 11 } }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, raised.StatusCode);
        Assert.Contains("budget.max_tool_calls may only lower the configured limit of 10", raised.Status.Detail);

        var negative = await Assert.ThrowsAsync<RpcException>(() => session.Client.StartRunAsync(new StartRunRequest { Goal = "g", Budget = new Budget { MaxCostUsd = -1 } }).ResponseAsync);
        Assert.Contains("budget.max_cost_usd", negative.Status.Detail);

        var label = await Assert.ThrowsAsync<RpcException>(() => session.Client.StartRunAsync(new StartRunRequest { Goal = "g", Labels = { ["bad key!"] = "v" } }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, label.StatusCode);
        Assert.Contains("Label key \"bad key!\"", label.Status.Detail);

        // Lowering is fine, and a limit the configuration leaves open may be set.
        var runId = (await session.Client.StartRunAsync(new StartRunRequest { Goal = "g", RunId = "lowered", Budget = new Budget { MaxToolCalls = 3, MaxCostUsd = 0.5 } })).RunId;
        var run = await session.Client.GetRunAsync(new GetRunRequest { RunId = runId });
        Assert.Equal((3L, 0.5, 200_000L), (run.Budget.MaxToolCalls, run.Budget.MaxCostUsd, run.Budget.MaxOutputTokens));
    }

    [Fact]
    public async Task GetRun_shows_what_the_finished_steps_used_while_the_run_goes_on()
    {
        const string plan = """{"steps":[{"id":"a","role":"researcher","instruction":"look"},{"id":"b","role":"researcher","instruction":"look again","dependsOn":["a"]}]}""";
        await using var session = await ProbeRun.StartAsync(
            null, Cassettes.Planner(1, plan), Pid(1), Cassettes.Answer("researcher", "a", 2, "seen"), Cassettes.Answer("researcher", "b", 1, "seen again", delayMs: 3000));
        var runId = (await session.Client.StartRunAsync(new StartRunRequest { Goal = "g" })).RunId;
        await RunObserver.WatchAsync(session.Client, runId, stopWhen: e => e.StepStarted is { StepId: "b" });

        // Step b's start is written with the usage of planning and step a, in one write.
        var running = await session.Client.GetRunAsync(new GetRunRequest { RunId = runId });
        Assert.Equal(RunStatus.Running, running.Status);
        Assert.Equal((30L, 15L, 1L), (running.Usage.InputTokens, running.Usage.OutputTokens, running.Usage.ToolCalls));

        Assert.Equal(RunStatus.Completed, RunObserver.FinalStatus(await RunObserver.WatchAsync(session.Client, runId)));
        var done = await session.Client.GetRunAsync(new GetRunRequest { RunId = runId });
        Assert.Equal((40L, 20L, 1L), (done.Usage.InputTokens, done.Usage.OutputTokens, done.Usage.ToolCalls));
    }
}
