using AgentMesh.Contracts.V1;
using AgentMesh.Tests.EndToEnd;
using Grpc.Net.Client;
using OrchestratorContract = AgentMesh.Contracts.V1.Orchestrator;

namespace AgentMesh.Tests.Telemetry;

/// <summary>
/// The five service processes export real OTLP/HTTP to a receiver in the test, configured by the standard environment
/// variables alone; one run is one trace across them. The model is the scripted provider (a stand-in: no model endpoint
/// can run here).
/// </summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task A_run_across_five_processes_is_one_trace_received_over_OTLP_HTTP()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        using var scenario = new ExampleScenario();
        using var mesh = await ServiceMesh.StartAsync(scenario, new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        });
        using var channel = GrpcChannel.ForAddress(mesh.OrchestratorAddress);
        var client = new OrchestratorContract.OrchestratorClient(channel);
        var runId = (await client.StartRunAsync(new StartRunRequest { Goal = ExampleScenario.Goal })).RunId;
        Assert.Equal(RunStatus.Completed, RunObserver.FinalStatus(await RunObserver.WatchAsync(client, runId, decide: _ => true)));

        // The batch exporters send every 200 ms; wait (bounded) until the agents' spans of both steps have arrived.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (receiver.Spans.Count(s => s.Name.StartsWith("invoke_agent", StringComparison.Ordinal)) < 3 && DateTime.UtcNow < deadline)
            await Task.Delay(200);

        var agents = receiver.Spans.Where(s => s.Name.StartsWith("invoke_agent", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(agents);
        var trace = Assert.Single(agents.Select(s => s.TraceId).Distinct());
        var services = receiver.Spans.Where(s => s.TraceId == trace).Select(s => s.Service).Distinct().ToList();
        Assert.Contains("agentmesh-agents", services);
        Assert.Contains("agentmesh-orchestrator", services);
        Assert.Contains("agentmesh-toolhost", services);
        Assert.Contains("agentmesh-state", services);
        Assert.Contains("agentmesh-planner", services);
        Assert.Contains(receiver.Spans, s => s.TraceId == trace && s.Name.StartsWith("chat ", StringComparison.Ordinal));
        Assert.Contains(receiver.Spans, s => s.TraceId == trace && s.Name.StartsWith("execute_tool ", StringComparison.Ordinal));
    }
}
