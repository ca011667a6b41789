using AgentMesh.Contracts.V1;
using AgentMesh.Services.Agents.Roles;
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
        var roles = AgentRoleCatalog.Load(AgentRoleCatalog.DefaultDirectory);
        var models = new Dictionary<string, string>
        {
            ["Models__Cassette"] = scenario.CassettePath,
            ["Models__Variables__WORKSPACE"] = RepoPaths.Root,
            ["Models__Variables__OUTPUT"] = scenario.OutputDirectory,
        };

        using var state = ServiceProcess.Start("State", new Dictionary<string, string>
        {
            ["State__DatabasePath"] = Path.Combine(scenario.DataDirectory, "state.db"),
        }, scenario.DataDirectory);
        using var toolHost = ServiceProcess.Start("ToolHost", new Dictionary<string, string>
        {
            ["ToolHost__ConfigPath"] = Path.Combine(ExampleScenario.ExampleDirectory, "mcp.json"),
            ["ToolHost__Variables__WORKSPACE"] = RepoPaths.Root,
            ["ToolHost__Variables__OUTPUT"] = scenario.OutputDirectory,
        }, scenario.DataDirectory);
        using var planner = ServiceProcess.Start("Planner", new Dictionary<string, string>(models.Concat(
            roles.Roles.Select(r => KeyValuePair.Create($"Planner__Roles__{r.Name}", r.Description)))), scenario.DataDirectory);
        using var agents = ServiceProcess.Start("Agents", new Dictionary<string, string>(models)
        {
            ["Mesh__ToolHost"] = toolHost.Address,
            ["Mesh__State"] = state.Address,
        }, scenario.DataDirectory);
        using var orchestrator = ServiceProcess.Start("Orchestrator", new Dictionary<string, string>(
            roles.Names.Select((name, i) => KeyValuePair.Create($"Orchestrator__KnownRoles__{i}", name)))
        {
            ["Mesh__Planner"] = planner.Address,
            ["Mesh__Agents"] = agents.Address,
            ["Mesh__State"] = state.Address,
            ["Workflow__TaskHubPath"] = Path.Combine(scenario.DataDirectory, "taskhub.db"),
            ["Orchestrator__ActivityFirstRetryInterval"] = "00:00:00.200",
        }, scenario.DataDirectory);

        await state.WaitUntilServingAsync("agentmesh.v1.State");
        await toolHost.WaitUntilServingAsync("agentmesh.v1.ToolHost");
        await planner.WaitUntilServingAsync("agentmesh.v1.Planner");
        await agents.WaitUntilServingAsync("agentmesh.v1.Agents");
        await orchestrator.WaitUntilServingAsync("agentmesh.v1.Orchestrator");

        using var channel = GrpcChannel.ForAddress(orchestrator.Address);
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
