using AgentMesh.Cli.Hosting;
using AgentMesh.Contracts.V1;
using AgentMesh.Tests.Models;
using Grpc.Core;
using Grpc.Net.Client;
using OrchestratorContract = AgentMesh.Contracts.V1.Orchestrator;

namespace AgentMesh.Tests.EndToEnd;

/// <summary>
/// Model deltas from Agents through the Orchestrator to WatchRun, on the all-in-one host, against the FAKE
/// OpenAI-compatible server streaming its answer in parts (a stand-in: no model endpoint can run here).
/// </summary>
public sealed class ModelStreamingTests
{
    [Fact]
    public async Task A_watcher_that_asks_for_deltas_sees_the_text_as_it_streams_and_the_log_keeps_only_the_turn()
    {
        await using var endpoint = await FakeOpenAIServer.StartAsync();
        var release = new TaskCompletionSource();
        endpoint.ReplyGate = release.Task;
        endpoint.DefaultReply = FakeOpenAIReply.Stream("stop",
            """{"role":"assistant","content":"Hel"}""", """{"content":"lo "}""", """{"content":"world"}""");
        using var scenario = new ExampleScenario();
        var options = scenario.HostOptions(endpoint);
        await using var host = await MeshHost.StartAsync(options);
        using var channel = GrpcChannel.ForAddress(host.Address);
        var client = new OrchestratorContract.OrchestratorClient(channel);
        var plan = new Plan { Steps = { new PlanStep { Id = "a", AgentRole = "researcher", Instruction = "say hello" } } };
        var runId = (await client.StartRunAsync(new StartRunRequest { Plan = plan })).RunId;

        using var call = client.WatchRun(new WatchRunRequest { RunId = runId, IncludeDeltas = true });
        var seen = new List<RunEvent>();
        await foreach (var e in call.ResponseStream.ReadAllAsync())
        {
            seen.Add(e);
            // The watch is subscribed once it sends anything: only then may the model answer.
            release.TrySetResult();
        }

        Assert.Equal(RunStatus.Completed, RunObserver.FinalStatus(seen));
        var deltas = seen.Where(e => e.ModelDelta is not null).ToList();
        Assert.Equal(["Hel", "lo ", "world"], deltas.Select(d => d.ModelDelta.Text));
        Assert.All(deltas, d => Assert.Equal((0L, "a", 1, "researcher"), (d.Sequence, d.ModelDelta.StepId, d.ModelDelta.Turn, d.ModelDelta.AgentRole)));
        var turn = seen.FindIndex(e => e.ModelTurn is { Text: "Hello world" });
        Assert.True(seen.IndexOf(deltas[^1]) < turn, "the deltas come before the completed turn");

        // The log, and a watcher that did not ask, have the turn and no deltas.
        var logged = await RunObserver.WatchAsync(client, runId);
        Assert.DoesNotContain(logged, e => e.ModelDelta is not null);
        Assert.Single(logged, e => e.ModelTurn is { Text: "Hello world" });
        Assert.Equal(seen.Where(e => e.ModelDelta is null).Select(e => e.Sequence), logged.Select(e => e.Sequence));
    }
}
