using AgentMesh.Contracts.V1;
using Grpc.Net.Client;
using OrchestratorContract = AgentMesh.Contracts.V1.Orchestrator;

namespace AgentMesh.Tests.EndToEnd;

/// <summary>
/// Orchestrator, Planner, Agents, ToolHost and State as five OS processes on loopback, each from its
/// own services/&lt;name&gt;/Program.cs, wired only by <c>Mesh__*</c> addresses; the docs-report example
/// runs across them (scripted model: no model endpoint can run here).
/// </summary>
public sealed class MultiProcessTests
{
    [Fact]
    public async Task The_docs_report_example_completes_across_five_service_processes()
    {
        using var scenario = new ExampleScenario();
        using var mesh = await ServiceMesh.StartAsync(scenario);

        using var channel = GrpcChannel.ForAddress(mesh.OrchestratorAddress);
        var client = new OrchestratorContract.OrchestratorClient(channel);
        var runId = (await client.StartRunAsync(new StartRunRequest { Goal = ExampleScenario.Goal })).RunId;
        var events = await RunObserver.WatchAsync(client, runId, decide: _ => true);

        Assert.Equal(RunStatus.Completed, RunObserver.FinalStatus(events));
        Assert.Contains(events, e => e.ModelTurn is { AgentRole: "planner" });
        Assert.Contains(events, e => e.ToolCallCompleted is { Tool: "write_file", IsError: false });
        Assert.True(File.Exists(scenario.ReportPath));
    }

    [Fact]
    public async Task A_service_missing_the_address_of_a_service_it_calls_refuses_to_start_naming_the_setting()
    {
        using var scenario = new ExampleScenario();
        using var agents = ServiceProcess.Start("Agents", new Dictionary<string, string>
        {
            ["Models__Cassette"] = scenario.CassettePath,
            ["Mesh__ToolHost"] = "http://127.0.0.1:1",
        }, scenario.DataDirectory);

        var (exitCode, stderr) = await agents.WaitForExitAsync();

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Mesh:State is not set", stderr, StringComparison.Ordinal);
        Assert.Contains("Mesh__State", stderr, StringComparison.Ordinal);
    }
}
