using System.Text.Json.Nodes;
using AgentMesh.Cli.Hosting;
using AgentMesh.Contracts.V1;
using AgentMesh.Tests.ToolHost;
using Grpc.Net.Client;
using OrchestratorContract = AgentMesh.Contracts.V1.Orchestrator;

namespace AgentMesh.Tests.EndToEnd;

/// <summary>
/// An approval rule on arguments in a real run: the all-in-one host, the real probe MCP server, and a scripted model
/// that calls the probe's <c>plain</c> tool twice in one turn, with amounts 50 and 149.0. The model is scripted (a
/// cassette) as a stand-in, because no model endpoint runs here. <c>plain</c> declares no annotations, so without
/// the rule every call would be gated (destructiveHint unset); under the rule only the call with amount > 100 waits.
/// </summary>
public sealed class ApprovalRuleRunTests
{
    private const string Plan = """{"steps":[{"id":"a","role":"researcher","instruction":"refund the orders"}]}""";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Only_the_call_whose_arguments_match_the_rule_waits_for_approval(bool approve)
    {
        var cassette = Cassettes.Write(
            Cassettes.Planner(1, Plan),
            Cassettes.ToolCalls(
                "researcher",
                "a",
                1,
                ("small", "probe__plain", new JsonObject { ["amount"] = 50, ["order"] = "A-1" }),
                ("large", "probe__plain", new JsonObject { ["amount"] = JsonNode.Parse("149.0"), ["order"] = "B-2" })),
            Cassettes.Answer("researcher", "a", 2, "refunds handled"));
        using var scenario = new ExampleScenario(cassette);
        var config = Path.Combine(Path.GetDirectoryName(cassette)!, "mcp.json");
        File.WriteAllText(config, new JsonObject
        {
            ["mcpServers"] = new JsonObject { ["probe"] = new JsonObject { ["command"] = "node", ["args"] = new JsonArray(McpTestServers.ProbeScript) } },
            ["agentmesh"] = new JsonObject
            {
                ["approval"] = new JsonObject
                {
                    ["rules"] = new JsonArray(new JsonObject { ["tool"] = "probe/plain", ["when"] = "args.amount > 100" }),
                },
            },
        }.ToJsonString());
        var options = scenario.HostOptions();
        options.McpConfigPath = config;
        await using var host = await MeshHost.StartAsync(options);
        using var channel = GrpcChannel.ForAddress(host.Address);
        var client = new OrchestratorContract.OrchestratorClient(channel);

        var runId = (await client.StartRunAsync(new StartRunRequest { Goal = "refund the orders" })).RunId;
        var events = await RunObserver.WatchAsync(client, runId, decide: _ => approve);

        Assert.Equal(RunStatus.Completed, RunObserver.FinalStatus(events));
        var approval = Assert.Single(events, e => e.ApprovalRequested is not null).ApprovalRequested;
        Assert.Equal("large", approval.ToolCallId);
        Assert.Equal(("probe", "plain"), (approval.Server, approval.Tool));
        Assert.Equal("rule: probe/plain when args.amount > 100", approval.Reason);
        Assert.Contains("149.0", approval.ArgumentsJson);

        // The small refund ran before the step paused; the large one ran only once approved.
        var order = events
            .Select(e => e.ToolCallStarted is { } s ? $"start {s.ToolCallId}" : e.ApprovalRequested is { } a ? $"approval {a.ToolCallId}" : null)
            .OfType<string>().ToList();
        Assert.Equal(approve ? ["start small", "approval large", "start large"] : ["start small", "approval large"], order);
        var trail = (await client.ListToolCallsAsync(new ListToolCallsRequest { RunId = runId })).ToolCalls.ToDictionary(t => t.ToolCallId);
        Assert.Equal("ok", trail["small"].Outcome);
        Assert.Empty(trail["small"].ApprovalId);
        Assert.Equal(approve ? "ok" : "denied", trail["large"].Outcome);
        Assert.Equal(approval.ApprovalId, trail["large"].ApprovalId);
    }
}
