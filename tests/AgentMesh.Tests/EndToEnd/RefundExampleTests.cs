using System.Text.Json;
using AgentMesh.Cli.Hosting;
using AgentMesh.Contracts.V1;
using Grpc.Net.Client;
using OrchestratorContract = AgentMesh.Contracts.V1.Orchestrator;

namespace AgentMesh.Tests.EndToEnd;

/// <summary>
/// The refund example (examples/refund: approved, declined, denied) end to end: the all-in-one host in-process and
/// through the real `agentmesh run` process, the real sample refund server (samples/RefundTools) over stdio with its
/// SQLite file, and the approval rule of the example's mcp.json (<c>refunds/issue_refund when args.amount &gt; 100</c>).
/// The model is the scripted provider replaying each case's cassette: a stand-in, because no model endpoint runs
/// here. What the tests check comes from the real tools: the approval request, the rows in the database file, the
/// tool calls that ran and the email drafts.
/// </summary>
public sealed class RefundExampleTests
{
    private const string Rule = "rule: refunds/issue_refund when args.amount > 100";

    [Fact]
    public async Task Approved_the_149_dollar_refund_waits_for_the_rule_then_is_issued_and_the_email_drafted()
    {
        using var scenario = new RefundScenario("approved");
        await using var host = await MeshHost.StartAsync(scenario.HostOptions());
        using var channel = GrpcChannel.ForAddress(host.Address);
        var client = new OrchestratorContract.OrchestratorClient(channel);

        var runId = (await client.StartRunAsync(new StartRunRequest { Goal = scenario.Goal })).RunId;
        var events = await RunObserver.WatchAsync(client, runId, decide: _ => true);

        Assert.Equal(RunStatus.Completed, RunObserver.FinalStatus(events));
        var step = Assert.Single(Assert.Single(events, e => e.PlanCreated is not null).PlanCreated.Plan.Steps);
        Assert.Equal(("resolve", "support"), (step.Id, step.AgentRole));
        Assert.Equal(["get_purchase", "check_refund_policy", "issue_refund", "draft_customer_email"], events.Where(e => e.ToolCallStarted is not null).Select(e => e.ToolCallStarted.Tool));

        var purchase = RefundScenario.Result(events, "get_purchase");
        Assert.Equal(("pur_1001", "Premium Subscription", 149.00m), (purchase.GetProperty("purchase_id").GetString(), purchase.GetProperty("product").GetString(), purchase.GetProperty("amount_usd").GetDecimal()));
        var policy = RefundScenario.Result(events, "check_refund_policy");
        Assert.True(policy.GetProperty("eligible").GetBoolean());
        Assert.Equal(12, policy.GetProperty("days_since_purchase").GetInt32());

        // Only the refund waits, because of the rule on its amount; it runs once approved.
        var approval = Assert.Single(events, e => e.ApprovalRequested is not null).ApprovalRequested;
        Assert.Equal(("refunds", "issue_refund", "resolve"), (approval.Server, approval.Tool, approval.StepId));
        Assert.Equal(Rule, approval.Reason);
        using (var arguments = JsonDocument.Parse(approval.ArgumentsJson))
        {
            Assert.Equal(149m, arguments.RootElement.GetProperty("amount").GetDecimal());
            Assert.Equal("T-1042", arguments.RootElement.GetProperty("refund_key").GetString());
        }

        var order = events.Select(e => e.ApprovalRequested is not null ? "requested" : e.ApprovalResolved is { Approved: true } ? "approved" : e.ToolCallStarted is { Tool: "issue_refund" } ? "refund" : null).OfType<string>();
        Assert.Equal(["requested", "approved", "refund"], order);
        var receipt = RefundScenario.Result(events, "issue_refund");
        Assert.Equal(("rf_1", "refunded"), (receipt.GetProperty("refund_id").GetString(), receipt.GetProperty("status").GetString()));
        Assert.Equal(("pur_1001", "T-1042", 14_900L), Assert.Single(scenario.Refunds()));

        var body = RefundScenario.AssertEmailDrafted(events, "user_123", "refunded");
        Assert.Contains("We have refunded $149.00 for your Premium Subscription purchase (pur_1001).", body, StringComparison.Ordinal);
        var run = await client.GetRunAsync(new GetRunRequest { RunId = runId });
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Contains("Subject: Your refund for Premium Subscription is on its way", run.Output, StringComparison.Ordinal);
        Assert.Contains(body.TrimEnd(), run.Output, StringComparison.Ordinal);
        Assert.Equal(4, run.Usage.ToolCalls);
    }

    [Fact]
    public async Task Declined_by_the_policy_no_refund_is_attempted_and_a_polite_email_is_drafted()
    {
        using var scenario = new RefundScenario("declined");
        await using var host = await MeshHost.StartAsync(scenario.HostOptions());
        using var channel = GrpcChannel.ForAddress(host.Address);
        var client = new OrchestratorContract.OrchestratorClient(channel);

        var runId = (await client.StartRunAsync(new StartRunRequest { Goal = scenario.Goal })).RunId;
        var events = await RunObserver.WatchAsync(client, runId, decide: _ => true);

        Assert.Equal(RunStatus.Completed, RunObserver.FinalStatus(events));
        var purchase = RefundScenario.Result(events, "get_purchase");
        Assert.Equal(("pur_1002", 49.00m), (purchase.GetProperty("purchase_id").GetString(), purchase.GetProperty("amount_usd").GetDecimal()));
        var policy = RefundScenario.Result(events, "check_refund_policy");
        Assert.False(policy.GetProperty("eligible").GetBoolean());
        Assert.Equal(45, policy.GetProperty("days_since_purchase").GetInt32());

        Assert.DoesNotContain(events, e => e.ToolCallStarted is { Tool: "issue_refund" });
        Assert.DoesNotContain(events, e => e.ApprovalRequested is not null);
        Assert.Empty(scenario.Refunds());
        var body = RefundScenario.AssertEmailDrafted(events, "user_456", "declined");
        Assert.Contains("we are sorry that we cannot refund it: purchased 45 days ago, outside the 30-day refund window.", body, StringComparison.Ordinal);
        var run = await client.GetRunAsync(new GetRunRequest { RunId = runId });
        Assert.Contains("Subject: About your refund request for Basic License", run.Output, StringComparison.Ordinal);
        Assert.Contains(body.TrimEnd(), run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Denied_by_the_approver_the_refund_never_runs_and_a_polite_email_is_drafted()
    {
        using var scenario = new RefundScenario("denied");
        await using var host = await MeshHost.StartAsync(scenario.HostOptions());
        using var channel = GrpcChannel.ForAddress(host.Address);
        var client = new OrchestratorContract.OrchestratorClient(channel);

        var runId = (await client.StartRunAsync(new StartRunRequest { Goal = scenario.Goal })).RunId;
        var events = await RunObserver.WatchAsync(client, runId, decide: _ => false);

        Assert.Equal(RunStatus.Completed, RunObserver.FinalStatus(events));
        Assert.True(RefundScenario.Result(events, "check_refund_policy").GetProperty("eligible").GetBoolean());
        var approval = Assert.Single(events, e => e.ApprovalRequested is not null).ApprovalRequested;
        Assert.Equal(("issue_refund", Rule), (approval.Tool, approval.Reason));
        Assert.Contains(events, e => e.ApprovalResolved is { Approved: false });
        Assert.DoesNotContain(events, e => e.ToolCallStarted is { Tool: "issue_refund" });
        var denied = Assert.Single(events, e => e.ToolCallCompleted is { Tool: "issue_refund" }).ToolCallCompleted;
        Assert.True(denied.IsError);
        Assert.Contains("denied this call", denied.Result, StringComparison.Ordinal);
        Assert.Empty(scenario.Refunds());
        var trail = (await client.ListToolCallsAsync(new ListToolCallsRequest { RunId = runId })).ToolCalls;
        Assert.Equal("denied", Assert.Single(trail, t => t.Tool == "issue_refund").Outcome);

        var body = RefundScenario.AssertEmailDrafted(events, "user_123", "denied");
        Assert.Contains("we are sorry that we could not approve it this time.", body, StringComparison.Ordinal);
        var run = await client.GetRunAsync(new GetRunRequest { RunId = runId });
        Assert.Contains(body.TrimEnd(), run.Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// `agentmesh run examples/refund/denied --auto-deny` as a user runs it (a real process), on a data folder an
    /// approved run left a refund in: the server starts from the seeds again (<c>--reset</c> in mcp.json), so the
    /// policy allows the refund, and --auto-deny denies it.
    /// </summary>
    [Fact]
    public async Task Cli_auto_deny_runs_the_denied_case_from_the_seeds_on_a_data_folder_an_earlier_run_left_behind()
    {
        using var approved = new RefundScenario("approved");
        await using (var host = await MeshHost.StartAsync(approved.HostOptions()))
        {
            using var channel = GrpcChannel.ForAddress(host.Address);
            var client = new OrchestratorContract.OrchestratorClient(channel);
            var runId = (await client.StartRunAsync(new StartRunRequest { Goal = approved.Goal })).RunId;
            Assert.Equal(RunStatus.Completed, RunObserver.FinalStatus(await RunObserver.WatchAsync(client, runId, decide: _ => true)));
            Assert.Single(approved.Refunds());
        }

        var scenario = new RefundScenario("denied", approved.DataDirectory);
        var (exitCode, stdout, stderr) = await CliProcess.RunAsync("run", scenario.Folder, "--data", scenario.DataDirectory, "--output", "json", "--auto-deny");

        Assert.True(exitCode == 0, stderr);
        var events = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => RunEvent.Parser.ParseJson(l)).ToList();
        Assert.Equal(RunStatus.Completed, events[^1].StatusChanged.Status);
        Assert.True(RefundScenario.Result(events, "check_refund_policy").GetProperty("eligible").GetBoolean(), "the run starts from the seeds, not from the earlier run's refund");
        var approval = Assert.Single(events, e => e.ApprovalRequested is not null).ApprovalRequested;
        Assert.Equal(("issue_refund", Rule), (approval.Tool, approval.Reason));
        var resolved = Assert.Single(events, e => e.ApprovalResolved is not null).ApprovalResolved;
        Assert.False(resolved.Approved);
        Assert.Contains("--auto-deny", resolved.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(events, e => e.ToolCallStarted is { Tool: "issue_refund" });
        Assert.Empty(scenario.Refunds());
        RefundScenario.AssertEmailDrafted(events, "user_123", "denied");
        Assert.Contains("Ticket T-1044: closed without a refund.", events[^1].StatusChanged.Output, StringComparison.Ordinal);
    }
}
