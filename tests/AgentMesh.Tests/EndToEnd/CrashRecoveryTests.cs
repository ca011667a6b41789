using System.Text.Json.Nodes;
using AgentMesh.Clients;
using AgentMesh.Contracts.V1;
using Grpc.Net.Client;
using OrchestratorContract = AgentMesh.Contracts.V1.Orchestrator;

namespace AgentMesh.Tests.EndToEnd;

/// <summary>
/// The host is a real process killed with SIGKILL mid-run, then started again on the same data
/// folder. Models are the scripted provider (no endpoint here); one cassette turn carries a
/// recorded latency so the kill lands while that step is running.
/// </summary>
public sealed class CrashRecoveryTests
{
    [Fact]
    public async Task Killed_mid_step_the_run_completes_after_restart_and_finished_activities_ran_once()
    {
        using var scenario = new ExampleScenario(ExampleScenario.SlowCassette(role: "writer", turn: 1, delayMs: 4000));
        var port = HostProcess.FreePort();
        string runId;
        List<RunEvent> before;
        using (var host = await HostProcess.StartAsync(scenario.UpArguments(port)))
        {
            using var channel = GrpcChannel.ForAddress(host.Address);
            var client = new OrchestratorContract.OrchestratorClient(channel);
            runId = (await client.StartRunAsync(new StartRunRequest { Goal = ExampleScenario.Goal })).RunId;
            before = await RunObserver.WatchAsync(client, runId, stopWhen: e => e.StepStarted is { StepId: "write" });
            await Task.Delay(1000);
            host.Kill();
        }

        Assert.Contains(before, e => e.StepCompleted is { StepId: "research" });
        Assert.DoesNotContain(before, e => e.StepCompleted is { StepId: "write" });

        using (var host = await HostProcess.StartAsync(scenario.UpArguments(port)))
        {
            using var channel = GrpcChannel.ForAddress(host.Address);
            var client = new OrchestratorContract.OrchestratorClient(channel);
            var all = await RunObserver.WatchAsync(client, runId, decide: _ => true);

            Assert.Equal(RunStatus.Completed, RunObserver.FinalStatus(all));
            Assert.True(File.Exists(scenario.ReportPath));
            // Completed before the kill, so exactly once: planning and the whole research step.
            Assert.Single(all, e => e.PlanCreated is not null);
            Assert.Single(all, e => e.StepStarted is { StepId: "research" });
            Assert.Single(all, e => e.StepCompleted is { StepId: "research" });
            Assert.Single(all, e => e.ToolCallCompleted is { Tool: "read_text_file" });
            Assert.Equal(3, all.Count(e => e.ModelTurn is { AgentRole: "researcher" }));
            // Running at the kill, so re-run after the restart (attempt 2 is the re-entry after the approval).
            Assert.Equal(2, all.Count(e => e.StepStarted is { StepId: "write", Attempt: 1 }));
            Assert.Single(all, e => e.StepStarted is { StepId: "write", Attempt: 2 });
            Assert.Single(all, e => e.StepCompleted is { StepId: "write" });
        }
    }

    [Fact]
    public async Task A_paused_run_survives_a_restart_and_can_still_be_approved()
    {
        using var scenario = new ExampleScenario();
        var port = HostProcess.FreePort();
        ApprovalRequest approval;
        string runId;
        using (var host = await HostProcess.StartAsync(scenario.UpArguments(port)))
        {
            using var channel = GrpcChannel.ForAddress(host.Address);
            var client = new OrchestratorContract.OrchestratorClient(channel);
            runId = (await client.StartRunAsync(new StartRunRequest { Goal = ExampleScenario.Goal })).RunId;
            var events = await RunObserver.WatchAsync(client, runId, stopWhen: e => e.StatusChanged is { Status: RunStatus.AwaitingApproval });
            approval = Assert.Single(events, e => e.ApprovalRequested is not null).ApprovalRequested;
            host.Kill();
        }

        using (var host = await HostProcess.StartAsync(scenario.UpArguments(port)))
        {
            using var channel = GrpcChannel.ForAddress(host.Address);
            var client = new OrchestratorContract.OrchestratorClient(channel);
            var paused = await client.GetRunAsync(new GetRunRequest { RunId = runId });
            Assert.Equal(RunStatus.AwaitingApproval, paused.Status);
            Assert.Equal(approval.ApprovalId, Assert.Single(paused.PendingApprovals).ApprovalId);
            Assert.False(File.Exists(scenario.ReportPath));

            // The CLI against the restarted host: list the paused run, approve, watch to the end.
            var (listed, runsOut, runsErr) = await CliProcess.RunAsync("runs", "--address", host.Address, "--status", "AwaitingApproval");
            Assert.True(listed == 0, runsErr);
            Assert.Contains(runId, runsOut, StringComparison.Ordinal);
            var (approved, approveOut, approveErr) = await CliProcess.RunAsync("approve", approval.ApprovalId, "--address", host.Address);
            Assert.True(approved == 0, approveErr);
            Assert.Contains($"approved {approval.ApprovalId} (run {runId})", approveOut, StringComparison.Ordinal);
            var (watched, watchOut, watchErr) = await CliProcess.RunAsync("watch", runId, "--address", host.Address, "--output", "json");
            Assert.True(watched == 0, watchErr);
            Assert.Contains("RUN_STATUS_COMPLETED", watchOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1], StringComparison.Ordinal);
            Assert.True(File.Exists(scenario.ReportPath));

            var (again, _, againErr) = await CliProcess.RunAsync("approve", approval.ApprovalId, "--address", host.Address);
            Assert.Equal(2, again);
            Assert.Contains("NotFound", againErr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task What_a_run_spent_before_a_SIGKILL_still_counts_against_its_budget_after_the_restart()
    {
        // Output tokens in the example's cassette: planner 214, research 41 + 88 + 176, writer 402 (turn 1) + 37 (turn 2).
        // 950 is reached only when all of them count: the finished steps' (workflow history) and the writer's first
        // turn (its checkpoint), all spent before the kill that lands in the writer's slow second turn.
        using var scenario = new ExampleScenario(ExampleScenario.SlowCassette(role: "writer", turn: 2, delayMs: 4000));
        var port = HostProcess.FreePort();
        string runId;
        using (var host = await HostProcess.StartAsync(scenario.UpArguments(port)))
        {
            using var channel = GrpcChannel.ForAddress(host.Address);
            var client = new OrchestratorContract.OrchestratorClient(channel);
            runId = (await client.StartRunAsync(new StartRunRequest { Goal = ExampleScenario.Goal, Budget = new Budget { MaxOutputTokens = 950 } })).RunId;
            await RunObserver.WatchAsync(client, runId, decide: _ => true, stopWhen: e => e.StepStarted is { StepId: "write", Attempt: 2 });
            await Task.Delay(1000);
            host.Kill();
        }

        using (var host = await HostProcess.StartAsync(scenario.UpArguments(port)))
        {
            using var channel = GrpcChannel.ForAddress(host.Address);
            var client = new OrchestratorContract.OrchestratorClient(channel);
            var all = await RunObserver.WatchAsync(client, runId);

            Assert.Equal(RunStatus.Failed, RunObserver.FinalStatus(all));
            var exceeded = Assert.Single(all, e => e.BudgetExceeded is not null).BudgetExceeded;
            Assert.Equal(("output_tokens", 950d, 958d, "write"), (exceeded.Budget, exceeded.Limit, exceeded.Used, exceeded.StepId));
            var run = await client.GetRunAsync(new GetRunRequest { RunId = runId });
            Assert.Equal(958, run.Usage.OutputTokens);
            Assert.DoesNotContain(all, e => e.StepCompleted is { StepId: "write" });
        }
    }
}
