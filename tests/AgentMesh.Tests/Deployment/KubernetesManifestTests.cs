using AgentMesh.Clients;
using Google.Protobuf.Reflection;
using V1 = AgentMesh.Contracts.V1;

namespace AgentMesh.Tests.Deployment;

/// <summary>dapr/kubernetes: one Deployment and Service per service, ports and addresses that agree.</summary>
public sealed class KubernetesManifestTests
{
    private static readonly Dictionary<string, ServiceDescriptor> GrpcServices = new()
    {
        ["orchestrator"] = V1.Orchestrator.Descriptor,
        ["planner"] = V1.Planner.Descriptor,
        ["agents"] = V1.Agents.Descriptor,
        ["toolhost"] = V1.ToolHost.Descriptor,
        ["state"] = V1.State.Descriptor,
    };

    [Fact]
    public void Every_service_has_a_deployment_and_a_service_that_selects_its_pods()
    {
        Assert.Equal(ServiceSettings.Names.Order(), KubernetesManifests.Services.Select(s => s.Name).Order());
        Assert.All(KubernetesManifests.Services, s => Assert.True(s.Service is not null, $"no Service selects the pods of {s.Name}"));
    }

    [Fact]
    public void The_container_port_is_the_listening_port_the_service_port_and_the_probed_port()
    {
        foreach (var service in KubernetesManifests.Services)
        {
            var urls = new Uri(service.Settings["ASPNETCORE_URLS"]);
            Assert.Equal(("http", "0.0.0.0", service.ContainerPort), (urls.Scheme, urls.Host, urls.Port));
            Assert.Equal(service.ContainerPort.ToString(), service.ServicePort.Text("targetPort"));
            Assert.Equal(service.ContainerPort.ToString(), service.ServicePort.Text("port"));
            Assert.Equal("kubernetes.io/h2c", service.ServicePort.Text("appProtocol"));
            Assert.Equal(service.ContainerPort.ToString(), service.AppContainer.Text("readinessProbe", "grpc", "port"));
            Assert.Equal(service.ContainerPort.ToString(), service.AppContainer.Text("livenessProbe", "tcpSocket", "port"));
        }
    }

    [Fact]
    public void The_readiness_probe_asks_the_grpc_health_of_the_service_itself()
    {
        Assert.All(KubernetesManifests.Services, s =>
            Assert.Equal(GrpcServices[s.Name].FullName, s.AppContainer.Text("readinessProbe", "grpc", "service")));
    }

    [Fact]
    public void Each_service_gets_exactly_the_mesh_addresses_it_requires_pointing_at_the_kubernetes_service_of_each()
    {
        foreach (var service in KubernetesManifests.Services)
        {
            var addresses = service.Settings.Where(s => s.Key.StartsWith("Mesh__", StringComparison.Ordinal)).ToList();
            Assert.Equal(
                ServiceSettings.RequiredAddresses(service.Name).Select(m => $"Mesh__{m}").Order(),
                addresses.Select(a => a.Key).Order());
            foreach (var (key, value) in addresses)
            {
                var target = KubernetesManifests.Get(Enum.Parse<MeshService>(key["Mesh__".Length..]).ToString().ToLowerInvariant());
                var address = new Uri(value);
                Assert.Equal(
                    ("http", target.Service.Text("metadata", "name"), target.ServicePort.Text("port")),
                    (address.Scheme, address.Host, address.Port.ToString()));
            }
        }
    }

    [Fact]
    public void Annotation_and_env_values_are_strings_not_numbers_or_booleans()
    {
        var scalars = KubernetesManifests.Services.SelectMany(s =>
            s.Deployment.Scalars("spec", "template", "metadata", "annotations").Select(a => (s.Name, a.Key, a.Value))
                .Concat(s.Containers.SelectMany(KubernetesService.EnvOf).Where(e => e.Value is not null).Select(e => (s.Name, e.Name, e.Value!))));
        Assert.All(scalars, s => Assert.False(Yaml.IsNonStringScalar(s.Item3), $"{s.Item1}: {s.Item2}: {s.Item3.Value} must be quoted"));
    }

    [Fact]
    public void The_kustomization_lists_every_manifest_of_the_folder()
    {
        var listed = Yaml.Load($"{KubernetesManifests.Folder}/kustomization.yaml").Single().Items("resources")
            .Select(r => ((YamlDotNet.RepresentationModel.YamlScalarNode)r).Value!);
        Assert.Equal(KubernetesManifests.Files, listed.Order(StringComparer.Ordinal));
    }
}
