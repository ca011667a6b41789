namespace AgentMesh.Tests.Deployment;

/// <summary>The dapr.io annotations of dapr/kubernetes against the services' settings and the Dapr resources.</summary>
public sealed class DaprSidecarTests
{
    /// <summary>The services configured to use Dapr: workflows on daprd, or state through Dapr's state API.</summary>
    internal static IReadOnlyList<KubernetesService> InSidecarMode { get; } = KubernetesManifests.Services
        .Where(s => s.Settings.GetValueOrDefault("Workflow__Mode") == "dapr" || s.Settings.GetValueOrDefault("State__Store") == "dapr")
        .ToList();

    [Fact]
    public void The_orchestrator_runs_workflows_on_dapr_and_state_stores_through_dapr()
    {
        Assert.Equal("dapr", KubernetesManifests.Get("orchestrator").Settings["Workflow__Mode"]);
        Assert.Equal("dapr", KubernetesManifests.Get("state").Settings["State__Store"]);
    }

    [Fact]
    public void Exactly_the_services_in_sidecar_mode_get_a_sidecar()
    {
        Assert.All(KubernetesManifests.Services, s =>
            Assert.Equal(InSidecarMode.Contains(s) ? "true" : "false", s.Annotations.GetValueOrDefault("dapr.io/enabled")));
    }

    [Fact]
    public void The_sidecar_reaches_the_app_on_its_container_port_over_grpc_under_the_service_name()
    {
        Assert.All(InSidecarMode, s =>
        {
            Assert.Equal(s.Name, s.Annotations["dapr.io/app-id"]);
            Assert.Equal(s.ContainerPort.ToString(), s.Annotations["dapr.io/app-port"]);
            Assert.Equal("grpc", s.Annotations["dapr.io/app-protocol"]);
        });
    }

    [Fact]
    public void The_app_sends_the_api_token_the_sidecar_requires_and_uses_the_dapr_configuration()
    {
        var configuration = Yaml.Load("dapr/configuration.yaml").Single();
        Assert.Equal("Configuration", configuration.Text("kind"));
        Assert.All(InSidecarMode, s =>
        {
            Assert.Equal((s.Annotations["dapr.io/api-token-secret"], "token"), s.Env.Single(e => e.Name == "DAPR_API_TOKEN").SecretKeyRef);
            Assert.Equal(configuration.Text("metadata", "name"), s.Annotations["dapr.io/config"]);
        });
    }

    [Fact]
    public void The_state_service_names_the_state_store_component()
    {
        var storeName = KubernetesManifests.Get("state").Settings["State__Dapr__StoreName"];
        Assert.All(DaprResourceTests.Components, c => Assert.Equal(storeName, c.Text("metadata", "name")));
    }
}
