using System.Text.Json;
using AgentMesh.Bench.Shared;
using AgentMesh.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace AgentMesh.Bench.Orchestration.Runner;

/// <summary>
/// AgentMesh's side of the runner contract: a gRPC client in its own process that, per run, starts the
/// workload's explicit plan (StartRun) and watches it (WatchRun) until it ends, then checks that every
/// step's output is the scripted answer and that the 12 tool calls returned the notes.
/// </summary>
internal static class AgentMeshRunner
{
    public static async Task<int> RunAsync(RunnerArgs args)
    {
        using var channel = GrpcChannel.ForAddress(args.Address ?? throw new ArgumentException("--address URL of the AgentMesh host is required."));
        var client = new Orchestrator.OrchestratorClient(channel);
        var expected = new Expected(args.Answer, File.ReadAllText(args.NotesPath));
        await WaitForHostAsync(client);

        await ClosedLoop.RunAsync(args.Concurrency, args.Warmup, _ => RunOneAsync(client, expected));
        Console.WriteLine("measure-start");
        var (latencies, elapsed) = await ClosedLoop.RunAsync(args.Concurrency, args.Runs, _ => RunOneAsync(client, expected));
        Console.WriteLine("result " + JsonSerializer.Serialize(new
        {
            runs = args.Runs, concurrency = args.Concurrency, wallMs = elapsed.TotalMilliseconds,
            latenciesMs = latencies.Select(l => l.TotalMilliseconds), side = "agentmesh",
        }));
        return 0;
    }

    private static Plan Workload()
    {
        var plan = new Plan();
        foreach (var (id, deps) in new[] { ("A", Array.Empty<string>()), ("B", []), ("C", ["A", "B"]), ("D", ["C"]) })
            plan.Steps.Add(new PlanStep { Id = id, AgentRole = "researcher", Instruction = $"Read the notes and summarise them. (step {id})", DependsOn = { deps } });
        return plan;
    }

    private static async Task RunOneAsync(Orchestrator.OrchestratorClient client, Expected expected)
    {
        var runId = (await client.StartRunAsync(new StartRunRequest { Plan = Workload() })).RunId;
        using var watch = client.WatchRun(new WatchRunRequest { RunId = runId });
        var outputs = new Dictionary<string, string>();
        var tools = 0;
        await foreach (var e in watch.ResponseStream.ReadAllAsync())
        {
            switch (e.EventCase)
            {
                case RunEvent.EventOneofCase.StepCompleted:
                    outputs[e.StepCompleted.StepId] = e.StepCompleted.Output;
                    break;
                case RunEvent.EventOneofCase.ToolCallCompleted when !e.ToolCallCompleted.IsError && expected.Notes.StartsWith(e.ToolCallCompleted.Result.TrimEnd('…'), StringComparison.Ordinal):
                    tools++;
                    break;
                case RunEvent.EventOneofCase.StatusChanged when e.StatusChanged.Status is RunStatus.Completed:
                    if (outputs.Count != 4 || outputs.Values.Any(o => o != expected.Answer) || tools != 12)
                        throw new InvalidOperationException($"Run {runId} completed with {outputs.Count} step outputs ({outputs.Values.Count(o => o == expected.Answer)} the answer) and {tools} good tool results.");
                    return;
                case RunEvent.EventOneofCase.StatusChanged when e.StatusChanged.Status is RunStatus.Failed or RunStatus.Cancelled:
                    throw new InvalidOperationException($"Run {runId} ended {e.StatusChanged.Status}: {e.StatusChanged.Reason}");
            }
        }
        throw new InvalidOperationException($"The watch of run {runId} ended before the run did.");
    }

    private static async Task WaitForHostAsync(Orchestrator.OrchestratorClient client)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await client.ListRunsAsync(new ListRunsRequest { PageSize = 1 });
                return;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && attempt < 600)
            {
                await Task.Delay(100);
            }
        }
    }

    private sealed record Expected(string Answer, string Notes);
}
