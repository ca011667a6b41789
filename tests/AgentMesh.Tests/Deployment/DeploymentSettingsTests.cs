using AgentMesh.Services.Agents.Roles;

namespace AgentMesh.Tests.Deployment;

/// <summary>The settings the deployment files give each service exist in its code, and agree with the agents' roles.</summary>
public sealed class DeploymentSettingsTests
{
    /// <summary>Environment variables the deployments set that are not .NET configuration of the service.</summary>
    private static readonly HashSet<string> NotSettings = ["ASPNETCORE_URLS", "DAPR_API_TOKEN"];

    [Fact]
    public void Every_setting_in_the_kubernetes_manifests_is_read_by_its_service()
    {
        var problems = KubernetesManifests.Services
            .SelectMany(s => s.Env.Where(e => !NotSettings.Contains(e.Name))
                .Select(e => (s.Name, e.Name, Problem: ServiceSettings.Problem(s.Name, e.Name.Replace("__", ":"), e.Value?.Value ?? "from-a-secret"))))
            .Where(p => p.Problem is not null);
        Assert.Empty(problems);
    }

    [Fact]
    public void Every_setting_in_tye_yaml_is_read_by_its_service()
    {
        var problems = TyeManifest.Services
            .SelectMany(s => s.Settings.Select(e => (s.Name, e.Key, Problem: ServiceSettings.Problem(s.Name, e.Key.Replace("__", ":"), e.Value))))
            .Where(p => p.Problem is not null);
        Assert.Empty(problems);
    }

    [Fact]
    public void A_misspelled_or_misplaced_setting_is_reported()
    {
        Assert.NotNull(ServiceSettings.Problem("orchestrator", "Orchestrator:KnownRole:0", "writer"));
        Assert.NotNull(ServiceSettings.Problem("orchestrator", "Mesh:Tolhost", "http://toolhost:5004"));
        Assert.NotNull(ServiceSettings.Problem("orchestrator", "Orchestrator:ApprovalTimeout", "one day"));
        Assert.NotNull(ServiceSettings.Problem("planner", "Mesh:State", "http://state:5005"));
        Assert.NotNull(ServiceSettings.Problem("planner", "Workflow:Mode", "dapr"));
        Assert.Null(ServiceSettings.Problem("agents", "Models:Roles:writer:Model", "gpt"));
    }

    [Fact]
    public void Planner_roles_and_orchestrator_known_roles_are_the_agents_role_prompts()
    {
        var catalog = AgentRoleCatalog.Load(AgentRoleCatalog.DefaultDirectory);
        var expected = catalog.Roles.ToDictionary(r => $"Planner__Roles__{r.Name}", r => r.Description);
        var sources = new[]
        {
            ("kubernetes", KubernetesManifests.Get("planner").Settings, KubernetesManifests.Get("orchestrator").Settings),
            ("tye", TyeManifest.Get("planner").Settings, TyeManifest.Get("orchestrator").Settings),
        };
        foreach (var (source, planner, orchestrator) in sources)
        {
            Assert.Equal(expected.OrderBy(r => r.Key), planner.Where(s => s.Key.StartsWith("Planner__Roles__", StringComparison.Ordinal)).OrderBy(r => r.Key));
            var known = orchestrator.Where(s => s.Key.StartsWith("Orchestrator__KnownRoles__", StringComparison.Ordinal))
                .OrderBy(s => int.Parse(s.Key["Orchestrator__KnownRoles__".Length..])).Select(s => s.Value);
            Assert.True(catalog.Names.Order().SequenceEqual(known.Order()), $"{source}: KnownRoles are not the role prompts");
        }
    }

    [Fact]
    public void Planner_and_agents_are_given_the_same_model()
    {
        static IEnumerable<string> Models(string service) => KubernetesManifests.Get(service).Env
            .Where(e => e.Name.StartsWith("Models__", StringComparison.Ordinal))
            .Select(e => $"{e.Name}={e.Value?.Value ?? e.SecretKeyRef?.ToString()}")
            .Order();

        Assert.NotEmpty(Models("agents"));
        Assert.Equal(Models("planner"), Models("agents"));
    }
}
