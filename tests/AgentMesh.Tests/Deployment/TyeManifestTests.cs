using AgentMesh.Clients;

namespace AgentMesh.Tests.Deployment;

/// <summary>tye.yaml: the same services and ports as dapr/kubernetes, addresses on localhost, paths that resolve.</summary>
public sealed class TyeManifestTests
{
    [Fact]
    public void Tye_runs_each_service_project_on_its_kubernetes_port()
    {
        Assert.Equal(ServiceSettings.Names.Order(), TyeManifest.Services.Select(s => s.Name).Order());
        foreach (var service in TyeManifest.Services)
        {
            Assert.StartsWith($"services/{service.Name}/AgentMesh.Services.", service.Project, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(RepoPaths.Root, service.Project)), $"{service.Project} does not exist");
            Assert.Equal((KubernetesManifests.Get(service.Name).ContainerPort, "http"), (service.Port, service.Protocol));
        }
    }

    [Fact]
    public void Each_service_gets_exactly_the_mesh_addresses_it_requires_pointing_at_the_binding_of_each()
    {
        foreach (var service in TyeManifest.Services)
        {
            var addresses = service.Settings.Where(s => s.Key.StartsWith("Mesh__", StringComparison.Ordinal)).ToList();
            Assert.Equal(
                ServiceSettings.RequiredAddresses(service.Name).Select(m => $"Mesh__{m}").Order(),
                addresses.Select(a => a.Key).Order());
            Assert.All(addresses, a => Assert.Equal(
                $"http://localhost:{TyeManifest.Get(ServiceSettings.NameOf(Enum.Parse<MeshService>(a.Key["Mesh__".Length..]))).Port}",
                a.Value));
        }
    }

    [Fact]
    public void Files_named_by_relative_paths_exist_from_the_project_folder_tye_starts_in()
    {
        var toolHost = TyeManifest.Get("toolhost");
        Assert.True(File.Exists(toolHost.Resolve(toolHost.Settings["ToolHost__ConfigPath"])));
        Assert.Equal(Path.GetFullPath(RepoPaths.Root).TrimEnd('/'), toolHost.Resolve(toolHost.Settings["ToolHost__Variables__WORKSPACE"]));
        foreach (var service in new[] { TyeManifest.Get("planner"), TyeManifest.Get("agents") })
        {
            Assert.True(File.Exists(service.Resolve(service.Settings["Models__Cassette"])), $"{service.Name}: cassette not found");
        }
    }

    [Fact]
    public void The_cassette_variables_of_the_agents_are_the_tool_host_variables()
    {
        var toolHost = VariablesOf("toolhost", "ToolHost__Variables__");
        var agents = VariablesOf("agents", "Models__Variables__");
        Assert.NotEmpty(agents);
        Assert.Equal(toolHost, agents);
    }

    [Fact]
    public void Tye_gives_the_services_the_same_role_settings_as_kubernetes()
    {
        foreach (var name in new[] { "planner", "orchestrator" })
        {
            var kubernetes = KubernetesManifests.Get(name).Settings.Where(s => s.Key.Contains("Roles__", StringComparison.Ordinal));
            var tye = TyeManifest.Get(name).Settings.Where(s => s.Key.Contains("Roles__", StringComparison.Ordinal));
            Assert.Equal(kubernetes.OrderBy(s => s.Key), tye.OrderBy(s => s.Key));
        }
    }

    private static Dictionary<string, string> VariablesOf(string service, string prefix) => TyeManifest.Get(service).Settings
        .Where(s => s.Key.StartsWith(prefix, StringComparison.Ordinal))
        .ToDictionary(s => s.Key[prefix.Length..], s => TyeManifest.Get(service).Resolve(s.Value));
}
