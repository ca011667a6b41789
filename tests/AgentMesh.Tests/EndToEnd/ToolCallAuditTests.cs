using System.Security.Cryptography;
using System.Text;
using AgentMesh.Cli.Hosting;
using AgentMesh.Contracts.V1;
using AgentMesh.Services.Orchestrator.Api;
using Grpc.Core;
using Grpc.Net.Client;
using OrchestratorContract = AgentMesh.Contracts.V1.Orchestrator;

namespace AgentMesh.Tests.EndToEnd;

/// <summary>The audit trail of a run's tool calls (Orchestrator.ListToolCalls), from a real run of the example (all-in-one host, real MCP server).</summary>
public sealed class ToolCallAuditTests
{
    [Theory]
    [InlineData(true, "ok")]
    [InlineData(false, "denied")]
    public async Task Every_tool_call_of_a_run_is_in_its_audit_trail_with_its_approval(bool approve, string writeOutcome)
    {
        using var scenario = new ExampleScenario();
        await using var host = await MeshHost.StartAsync(scenario.HostOptions());
        using var channel = GrpcChannel.ForAddress(host.Address);
        var client = new OrchestratorContract.OrchestratorClient(channel);

        var runId = (await client.StartRunAsync(new StartRunRequest { Goal = ExampleScenario.Goal })).RunId;
        var events = await RunObserver.WatchAsync(client, runId, decide: _ => approve);
        var trail = (await client.ListToolCallsAsync(new ListToolCallsRequest { RunId = runId })).ToolCalls;

        var started = events.Where(e => e.ToolCallStarted is not null).Select(e => e.ToolCallStarted).ToList();
        Assert.Equal(started.Count + (approve ? 0 : 1), trail.Count);
        foreach (var call in started)
        {
            var entry = Assert.Single(trail, t => t.ToolCallId == call.ToolCallId && t.StepId == call.StepId);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(call.ArgumentsJson))), entry.ArgumentsSha256);
            Assert.Equal(call.StepId == "research" ? "researcher" : "writer", entry.AgentRole);
            Assert.True(entry.Attempt >= 1);
            Assert.True(entry.ResultChars > 0);
        }

        Assert.All(trail.Where(t => t.Tool != "write_file"), t => Assert.Equal("ok", t.Outcome));
        var write = Assert.Single(trail, t => t.Tool == "write_file");
        Assert.Equal(writeOutcome, write.Outcome);
        Assert.NotEmpty(write.ApprovalId);
        Assert.Equal(approve, write.Approval.Approved);
    }

    [Fact]
    public async Task An_unknown_run_is_NOT_FOUND()
    {
        using var scenario = new ExampleScenario();
        await using var host = await MeshHost.StartAsync(scenario.HostOptions());
        using var channel = GrpcChannel.ForAddress(host.Address);

        var error = await Assert.ThrowsAsync<RpcException>(() => new OrchestratorContract.OrchestratorClient(channel).ListToolCallsAsync(new ListToolCallsRequest { RunId = "no_such_run" }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public void A_call_run_again_after_a_crash_appears_once_per_execution()
    {
        RunEvent Started(int attempt) => new() { StepStarted = new StepStarted { StepId = "a", AgentRole = "researcher", Attempt = attempt } };
        RunEvent Call() => new() { ToolCallStarted = new ToolCallStarted { StepId = "a", ToolCallId = "c1", Server = "fs", Tool = "read", ArgumentsJson = "{}" } };
        RunEvent Done() => new() { ToolCallCompleted = new ToolCallCompleted { StepId = "a", ToolCallId = "c1", Server = "fs", Tool = "read", ResultChars = 10, DurationMs = 3 } };

        var trail = ToolCallAuditTrail.Build([Started(1), Call(), Done(), Started(2), Call(), Done()]);

        Assert.Equal([1, 2], trail.Select(t => t.Attempt));
        Assert.All(trail, t => Assert.Equal(("ok", 10L), (t.Outcome, t.ResultChars)));
    }
}
