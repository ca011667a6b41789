using AgentMesh.Cli.Hosting;
using AgentMesh.Clients;
using AgentMesh.Contracts.V1;
using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;
using OrchestratorContract = AgentMesh.Contracts.V1.Orchestrator;
using StateContract = AgentMesh.Contracts.V1.State;

namespace AgentMesh.Tests.EndToEnd;

/// <summary>
/// The example scenario on the in-process all-in-one host: real gRPC between the services, real
/// server-filesystem over stdio, real SQLite; the model is the scripted provider (no endpoint here).
/// </summary>
public sealed class ExampleRunTests
{
    [Fact]
    public async Task Approved_run_reads_real_files_and_writes_the_report()
    {
        using var scenario = new ExampleScenario();
        await using var host = await MeshHost.StartAsync(scenario.HostOptions());
        using var channel = GrpcChannel.ForAddress(host.Address);
        var client = new OrchestratorContract.OrchestratorClient(channel);

        var runId = (await client.StartRunAsync(new StartRunRequest { Goal = ExampleScenario.Goal })).RunId;
        var events = await RunObserver.WatchAsync(client, runId, decide: _ => true);

        Assert.Equal(RunStatus.Completed, RunObserver.FinalStatus(events));
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Sequence));
        Assert.All(events, e => Assert.Equal(runId, e.RunId));
        var plan = Assert.Single(events, e => e.PlanCreated is not null).PlanCreated.Plan;
        Assert.Equal(["research", "write"], plan.Steps.Select(s => s.Id));

        var reads = events.Where(e => e.ToolCallCompleted is { Tool: "read_text_file" }).Select(e => e.ToolCallCompleted).ToList();
        var readme = Assert.Single(reads);
        Assert.False(readme.IsError);
        Assert.Contains(File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"))[..40], readme.Result, StringComparison.Ordinal);
        Assert.Contains(events, e => e.ToolCallCompleted is { Tool: "list_directory", IsError: false } c && c.Result.Contains("researcher.md", StringComparison.Ordinal));

        var approval = Assert.Single(events, e => e.ApprovalRequested is not null).ApprovalRequested;
        Assert.Equal(("filesystem", "write_file", "write"), (approval.Server, approval.Tool, approval.StepId));
        Assert.Contains(events, e => e.ApprovalResolved is { Approved: true });
        Assert.Contains(events, e => e.ToolCallCompleted is { Tool: "write_file", IsError: false });
        Assert.True(File.Exists(scenario.ReportPath), "the writer's report exists");
        Assert.StartsWith("# AgentMesh documentation report", File.ReadAllText(scenario.ReportPath), StringComparison.Ordinal);

        var run = await client.GetRunAsync(new GetRunRequest { RunId = runId });
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Contains("docs-report.md", run.Output, StringComparison.Ordinal);

        // Watching an ended run again: the tail after any sequence, then the stream ends.
        Assert.Equal(events.Skip(10).Select(e => e.Sequence), (await RunObserver.WatchAsync(client, runId, afterSequence: 10)).Select(e => e.Sequence));
        Assert.Empty(await RunObserver.WatchAsync(client, runId, afterSequence: events.Count));
        Assert.Empty(run.PendingApprovals);
        var turns = events.Where(e => e.ModelTurn is not null).Select(e => e.ModelTurn.Usage).ToList();
        Assert.Equal(6, turns.Count);
        Assert.Equal(turns.Sum(u => u.InputTokens), run.Usage.InputTokens);
        Assert.Equal(turns.Sum(u => u.OutputTokens), run.Usage.OutputTokens);
    }

    [Fact]
    public async Task Denied_write_is_skipped_and_the_model_is_told()
    {
        using var scenario = new ExampleScenario();
        await using var host = await MeshHost.StartAsync(scenario.HostOptions());
        using var channel = GrpcChannel.ForAddress(host.Address);
        var client = new OrchestratorContract.OrchestratorClient(channel);

        var runId = (await client.StartRunAsync(new StartRunRequest { Goal = ExampleScenario.Goal })).RunId;
        var events = await RunObserver.WatchAsync(client, runId, decide: _ => false);

        Assert.Equal(RunStatus.Completed, RunObserver.FinalStatus(events));
        Assert.False(File.Exists(scenario.ReportPath), "a denied write_file must not run");
        var denied = Assert.Single(events, e => e.ToolCallCompleted is { Tool: "write_file" }).ToolCallCompleted;
        Assert.True(denied.IsError);
        Assert.Contains("denied", denied.Result, StringComparison.Ordinal);
        Assert.Contains("not today", denied.Result, StringComparison.Ordinal);
        Assert.DoesNotContain(events, e => e.ToolCallStarted is { Tool: "write_file" });

        // The writer's checkpoint holds the denial as the tool result its next model turn saw.
        var checkpoint = await new StateContract.StateClient(channel).GetCheckpointAsync(new GetCheckpointRequest { Key = $"{runId}/write" });
        Assert.True(checkpoint.Found);
        Assert.Contains("denied this call", checkpoint.Data.ToStringUtf8(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_explicit_plan_is_rejected_with_what_is_wrong()
    {
        using var scenario = new ExampleScenario();
        await using var host = await MeshHost.StartAsync(scenario.HostOptions());
        using var channel = GrpcChannel.ForAddress(host.Address);
        var client = new OrchestratorContract.OrchestratorClient(channel);
        var plan = new Plan
        {
            Steps =
            {
                new PlanStep { Id = "a", AgentRole = "researcher", Instruction = "x", DependsOn = { "b" } },
                new PlanStep { Id = "b", AgentRole = "poet", Instruction = "y", DependsOn = { "a" } },
            },
        };

        var error = await Assert.ThrowsAsync<RpcException>(() => client.StartRunAsync(new StartRunRequest { Plan = plan }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("Invalid plan: steps[1].agent_role: unknown role \"poet\"; known roles: analyst, researcher, reviewer, support, writer", error.Status.Detail);
        var violation = Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations);
        Assert.Equal(("plan.steps[1].agent_role", "unknown role \"poet\"; known roles: analyst, researcher, reviewer, support, writer"), (violation.Field, violation.Description));

        var empty = await Assert.ThrowsAsync<RpcException>(() => client.StartRunAsync(new StartRunRequest()).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, empty.StatusCode);
        Assert.Equal("goal", Assert.Single(empty.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations).Field);
        var missing = await Assert.ThrowsAsync<RpcException>(() => client.GetRunAsync(new GetRunRequest { RunId = "nope" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task An_explicit_plan_runs_without_the_planner()
    {
        using var scenario = new ExampleScenario();
        await using var host = await MeshHost.StartAsync(scenario.HostOptions());
        using var channel = GrpcChannel.ForAddress(host.Address);
        var client = new OrchestratorContract.OrchestratorClient(channel);
        var plan = new Plan { Steps = { new PlanStep { Id = "research", AgentRole = "researcher", Instruction = "Read the README." } } };

        var runId = (await client.StartRunAsync(new StartRunRequest { Plan = plan, RunId = "explicit-1" })).RunId;
        var events = await RunObserver.WatchAsync(client, runId);

        Assert.Equal("explicit-1", runId);
        Assert.Equal(RunStatus.Completed, RunObserver.FinalStatus(events));
        Assert.DoesNotContain(events, e => e.ModelTurn is { AgentRole: "planner" });
        Assert.DoesNotContain(events, e => e.StatusChanged is { Status: RunStatus.Planning });
        var duplicate = await Assert.ThrowsAsync<RpcException>(() => client.StartRunAsync(new StartRunRequest { Plan = plan, RunId = "explicit-1" }).ResponseAsync);
        Assert.Equal(StatusCode.AlreadyExists, duplicate.StatusCode);

        var listed = await client.ListRunsAsync(new ListRunsRequest { Statuses = { RunStatus.Completed } });
        Assert.Equal(["explicit-1"], listed.Runs.Select(r => r.RunId));
    }
}
