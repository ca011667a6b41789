using System.Text.Json;
using AgentMesh.Contracts.V1;

namespace AgentMesh.Tests.EndToEnd;

/// <summary>
/// Plan steps that name a capability instead of a role, on the all-in-one host with the built-in roles (their prompts
/// declare capabilities). The model is the scripted provider (a stand-in: no model endpoint can run here).
/// </summary>
public sealed class RouterTests
{
    [Fact]
    public async Task The_only_role_with_a_capability_takes_the_step_and_among_several_the_router_model_chooses_and_both_are_recorded()
    {
        const string plan = """{"steps":[{"id":"s1","capability":"writing","instruction":"write it"},{"id":"s2","capability":"summarising","instruction":"draw conclusions","dependsOn":["s1"]}]}""";
        await using var session = await ProbeRun.StartAsync(
            null,
            Cassettes.Planner(1, plan),
            Cassettes.Answer("writer", "s1", 1, "written"),
            Cassettes.Answer("router", "s2", 1, JsonSerializer.Serialize(new { role = "analyst", reason = "It asks for conclusions." })),
            Cassettes.Answer("analyst", "s2", 1, "concluded"));
        var runId = (await session.Client.StartRunAsync(new StartRunRequest { Goal = "g" })).RunId;
        var events = await RunObserver.WatchAsync(session.Client, runId);

        Assert.Equal(RunStatus.Completed, RunObserver.FinalStatus(events));
        var routed = events.Where(e => e.StepRouted is not null).Select(e => e.StepRouted).ToList();
        Assert.Equal(
            [("s1", "writing", "writer", "the only role with capability writing"), ("s2", "summarising", "analyst", "It asks for conclusions.")],
            routed.Select(r => (r.StepId, r.Capability, r.AgentRole, r.Reason)));
        Assert.Equal(["writer", "analyst"], events.Where(e => e.StepStarted is not null).Select(e => e.StepStarted.AgentRole));
        // The router's model call counts: planner, writer, router, analyst.
        Assert.Equal(40, (await session.Client.GetRunAsync(new GetRunRequest { RunId = runId })).Usage.InputTokens);
    }

    [Fact]
    public async Task A_capability_no_role_declares_fails_the_run_as_fatal()
    {
        var plan = new Plan { Steps = { new PlanStep { Id = "s1", Capability = "juggling", Instruction = "juggle" } } };
        await using var session = await ProbeRun.StartAsync(null, Cassettes.Planner(1, ProbeRun.Plan));
        var runId = (await session.Client.StartRunAsync(new StartRunRequest { Plan = plan })).RunId;
        var events = await RunObserver.WatchAsync(session.Client, runId);

        Assert.Equal(RunStatus.Failed, RunObserver.FinalStatus(events));
        var run = await session.Client.GetRunAsync(new GetRunRequest { RunId = runId });
        Assert.Equal("fatal", run.FailureClass);
        Assert.Contains("No agent role declares capability \"juggling\"", run.Error);
    }
}
