using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace AgentMesh.Tests.Deployment;

/// <summary>dapr/components and dapr/resiliency.yaml: shapes from docs.dapr.io, and names that agree with the manifests.</summary>
public sealed partial class DaprResourceTests
{
    private static readonly Dictionary<string, string> ComponentTypes = new()
    {
        ["statestore-redis.yaml"] = "state.redis",
        ["statestore-postgresql.yaml"] = "state.postgresql",
    };

    internal static IReadOnlyList<YamlMappingNode> Components { get; } =
        ComponentTypes.Keys.Select(f => Yaml.Load($"dapr/components/{f}").Single()).ToList();

    private static YamlMappingNode Resiliency { get; } = Yaml.Load("dapr/resiliency.yaml").Single();

    private static IEnumerable<string> SidecarAppIds => DaprSidecarTests.InSidecarMode.Select(s => s.Annotations["dapr.io/app-id"]);

    [Fact]
    public void The_components_folder_holds_one_state_store_file_per_store()
    {
        var files = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "dapr", "components")).Select(Path.GetFileName);
        Assert.Equal(ComponentTypes.Keys.Order(), files.Order());
    }

    [Theory]
    [InlineData("statestore-redis.yaml")]
    [InlineData("statestore-postgresql.yaml")]
    public void A_state_store_is_the_actor_state_store_scoped_to_the_sidecar_apps(string file)
    {
        var component = Yaml.Load($"dapr/components/{file}").Single();
        Assert.Equal(("dapr.io/v1alpha1", "Component", ComponentTypes[file]), (component.Text("apiVersion"), component.Text("kind"), component.Text("spec", "type")));
        Assert.Equal("true", Metadata(component)["actorStateStore"].Text("value"));
        Assert.Equal(SidecarAppIds.Order(), component.Items("scopes").Select(s => ((YamlScalarNode)s).Value!).Order());
    }

    [Theory]
    [InlineData("statestore-redis.yaml")]
    [InlineData("statestore-postgresql.yaml")]
    public void A_state_store_reads_its_secrets_from_a_secret_store_never_inline(string file)
    {
        var component = Yaml.Load($"dapr/components/{file}").Single();
        var secrets = Metadata(component).Where(m => SecretName().IsMatch(m.Key)).ToList();
        Assert.NotEmpty(secrets);
        Assert.All(secrets, m =>
        {
            Assert.Null(m.Value.At("value"));
            Assert.NotNull(m.Value.Text("secretKeyRef", "name"));
            Assert.NotNull(m.Value.Text("secretKeyRef", "key"));
        });
        Assert.Equal("kubernetes", component.Text("auth", "secretStore"));
    }

    [Fact]
    public void Resiliency_targets_use_defined_policies_with_valid_durations()
    {
        Assert.Equal(("dapr.io/v1alpha1", "Resiliency"), (Resiliency.Text("apiVersion"), Resiliency.Text("kind")));
        var uses = TargetPolicies().ToList();
        Assert.NotEmpty(uses);
        Assert.All(uses, use => Assert.NotNull(Resiliency.At("spec", "policies", use.Kind, use.Name)));

        Assert.All(Resiliency.Scalars("spec", "policies", "timeouts"), t => Assert.Matches(GoDuration(), t.Value.Value!));
        foreach (var retry in ((YamlMappingNode)Resiliency.At("spec", "policies", "retries")!).Children.Values)
        {
            Assert.Contains(retry.Text("policy"), new[] { "constant", "exponential" });
            Assert.Matches(GoDuration(), retry.Text(retry.Text("policy") == "constant" ? "duration" : "maxInterval")!);
        }
    }

    [Fact]
    public void Resiliency_targets_the_sidecar_apps_and_the_state_store_component()
    {
        Assert.Equal(SidecarAppIds.Order(), Resiliency.Targets("apps").Order());
        Assert.Equal(Components.Select(c => c.Text("metadata", "name")!).Distinct(), Resiliency.Targets("components"));
        Assert.NotNull(Resiliency.At("spec", "targets", "components", "statestore", "outbound", "retry"));
    }

    private static IEnumerable<(string Kind, string Name)> TargetPolicies()
    {
        var kinds = new Dictionary<string, string> { ["timeout"] = "timeouts", ["retry"] = "retries", ["circuitBreaker"] = "circuitBreakers" };
        var apps = Resiliency.Targets("apps").Select(a => Resiliency.At("spec", "targets", "apps", a)!);
        var components = Resiliency.Targets("components").Select(c => Resiliency.At("spec", "targets", "components", c, "outbound")!);
        return apps.Concat(components).SelectMany(t => ((YamlMappingNode)t).Children)
            .Select(p => (kinds[((YamlScalarNode)p.Key).Value!], ((YamlScalarNode)p.Value).Value!));
    }

    private static Dictionary<string, YamlNode> Metadata(YamlNode component) =>
        component.Items("spec", "metadata").ToDictionary(m => m.Text("name")!, m => m);

    [GeneratedRegex("(?i)password|connectionString|secret|token")]
    private static partial Regex SecretName();

    [GeneratedRegex(@"^(\d+(ms|s|m|h))+$")]
    private static partial Regex GoDuration();
}

internal static class ResiliencyExtensions
{
    /// <summary>The names under <c>spec.targets.&lt;kind&gt;</c>.</summary>
    public static IReadOnlyList<string> Targets(this YamlNode resiliency, string kind) =>
        resiliency.At("spec", "targets", kind) is YamlMappingNode targets ? targets.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToList() : [];
}
