using AgentMesh.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;
using OrchestratorContract = AgentMesh.Contracts.V1.Orchestrator;

namespace AgentMesh.Tests.EndToEnd;

/// <summary>
/// The all-in-one host (a real process: in-process calls between services, group commits in State and the
/// task hub, checkpoints written while the agent loop goes on) SIGKILLed with many runs in flight, then
/// started again on the same data folder. What a watcher was shown before the kill had been acknowledged
/// as durable, so it must all still be there, unchanged, and every run must still complete.
/// </summary>
public sealed class KillUnderLoadTests
{
    private const int Runs = 16;
    // Early enough that some runs are still mid-way when the kill lands, however fast the host goes.
    private const int EventsBeforeKill = 48;

    [Fact]
    public async Task Killed_with_runs_in_flight_every_event_a_watcher_saw_survives_and_every_run_completes()
    {
        using var scenario = new ExampleScenario();
        var port = HostProcess.FreePort();
        var seen = new Dictionary<string, List<RunEvent>>();
        using (var host = await HostProcess.StartAsync(scenario.UpArguments(port)))
        {
            using var channel = GrpcChannel.ForAddress(host.Address);
            var client = new OrchestratorContract.OrchestratorClient(channel);
            var started = await Task.WhenAll(Enumerable.Range(0, Runs).Select(_ => client.StartRunAsync(new StartRunRequest { Goal = ExampleScenario.Goal }).ResponseAsync));
            foreach (var run in started)
                seen[run.RunId] = [];
            var total = 0;
            var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var watchers = seen.Select(async run =>
            {
                try
                {
                    using var call = client.WatchRun(new WatchRunRequest { RunId = run.Key });
                    await foreach (var e in call.ResponseStream.ReadAllAsync())
                    {
                        lock (run.Value)
                            run.Value.Add(e);
                        if (Interlocked.Increment(ref total) == EventsBeforeKill)
                            enough.TrySetResult();
                    }
                }
                catch (RpcException)
                {
                    // The host was killed under the stream.
                }
            }).ToList();

            await enough.Task.WaitAsync(TimeSpan.FromSeconds(60));
            host.Kill();
            await Task.WhenAll(watchers).WaitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.Contains(seen.Values, events => RunObserver.FinalStatus(events) is not (RunStatus.Completed or RunStatus.AwaitingApproval));
        using (var host = await HostProcess.StartAsync(scenario.UpArguments(port)))
        {
            using var channel = GrpcChannel.ForAddress(host.Address);
            var client = new OrchestratorContract.OrchestratorClient(channel);
            var after = await Task.WhenAll(seen.Keys.Select(id => RunObserver.WatchAsync(client, id, decide: _ => true)));

            foreach (var (before, all) in seen.Values.Zip(after))
            {
                Assert.Equal(RunStatus.Completed, RunObserver.FinalStatus(all));
                Assert.True(before.Count <= all.Count, $"{before.Count} events were seen before the kill, {all.Count} after it.");
                Assert.Equal(before, all.Take(before.Count));
                Assert.Single(all, e => e.StepCompleted is { StepId: "write" });
            }
        }
    }
}
