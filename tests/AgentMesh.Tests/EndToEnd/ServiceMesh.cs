using AgentMesh.Services.Agents.Roles;

namespace AgentMesh.Tests.EndToEnd;

/// <summary>
/// Orchestrator, Planner, Agents, ToolHost and State as five OS processes on loopback, each from its own
/// services/&lt;name&gt;/Program.cs, wired only by <c>Mesh__*</c> addresses, set up for a scenario's example
/// (scripted model: no model endpoint can run here). <c>common</c> settings go to every process.
/// </summary>
internal sealed class ServiceMesh(IReadOnlyList<ServiceProcess> processes, string orchestratorAddress) : IDisposable
{
    public string OrchestratorAddress => orchestratorAddress;

    public static async Task<ServiceMesh> StartAsync(ExampleScenario scenario, IReadOnlyDictionary<string, string>? common = null)
    {
        var roles = AgentRoleCatalog.Load(AgentRoleCatalog.DefaultDirectory);
        Dictionary<string, string> With(IEnumerable<KeyValuePair<string, string>> settings)
            => new(settings.Concat(common ?? new Dictionary<string, string>()));
        var models = new Dictionary<string, string>
        {
            ["Models__Cassette"] = scenario.CassettePath,
            ["Models__Variables__WORKSPACE"] = RepoPaths.Root,
            ["Models__Variables__OUTPUT"] = scenario.OutputDirectory,
        };

        var state = ServiceProcess.Start("State", With(new Dictionary<string, string>
        {
            ["State__DatabasePath"] = Path.Combine(scenario.DataDirectory, "state.db"),
        }), scenario.DataDirectory);
        var toolHost = ServiceProcess.Start("ToolHost", With(new Dictionary<string, string>
        {
            ["ToolHost__ConfigPath"] = Path.Combine(ExampleScenario.ExampleDirectory, "mcp.json"),
            ["ToolHost__Variables__WORKSPACE"] = RepoPaths.Root,
            ["ToolHost__Variables__OUTPUT"] = scenario.OutputDirectory,
        }), scenario.DataDirectory);
        var planner = ServiceProcess.Start("Planner", With(models.Concat(
            roles.Roles.Select(r => KeyValuePair.Create($"Planner__Roles__{r.Name}", r.Description)))), scenario.DataDirectory);
        var agents = ServiceProcess.Start("Agents", With(new Dictionary<string, string>(models)
        {
            ["Mesh__ToolHost"] = toolHost.Address,
            ["Mesh__State"] = state.Address,
        }), scenario.DataDirectory);
        var orchestrator = ServiceProcess.Start("Orchestrator", With(new Dictionary<string, string>(
            roles.Names.Select((name, i) => KeyValuePair.Create($"Orchestrator__KnownRoles__{i}", name)))
        {
            ["Mesh__Planner"] = planner.Address,
            ["Mesh__Agents"] = agents.Address,
            ["Mesh__State"] = state.Address,
            ["Workflow__TaskHubPath"] = Path.Combine(scenario.DataDirectory, "taskhub.db"),
            ["Orchestrator__ActivityFirstRetryInterval"] = "00:00:00.200",
        }), scenario.DataDirectory);
        var mesh = new ServiceMesh([state, toolHost, planner, agents, orchestrator], orchestrator.Address);
        try
        {
            await state.WaitUntilServingAsync("agentmesh.v1.State");
            await toolHost.WaitUntilServingAsync("agentmesh.v1.ToolHost");
            await planner.WaitUntilServingAsync("agentmesh.v1.Planner");
            await agents.WaitUntilServingAsync("agentmesh.v1.Agents");
            await orchestrator.WaitUntilServingAsync("agentmesh.v1.Orchestrator");
            return mesh;
        }
        catch
        {
            mesh.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var process in processes.Reverse())
            process.Dispose();
    }
}
