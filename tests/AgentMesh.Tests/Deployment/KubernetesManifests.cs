using YamlDotNet.RepresentationModel;

namespace AgentMesh.Tests.Deployment;

/// <summary>One environment variable of a container: a literal value, or a reference (valueFrom).</summary>
internal sealed record EnvVar(string Name, YamlScalarNode? Value, YamlNode? ValueFrom)
{
    /// <summary>The Kubernetes secret and key of a <c>valueFrom.secretKeyRef</c>, or null.</summary>
    public (string Name, string Key)? SecretKeyRef =>
        ValueFrom?.At("secretKeyRef") is { } reference ? (reference.Text("name")!, reference.Text("key")!) : null;
}

/// <summary>One AgentMesh service in dapr/kubernetes: its Deployment and the Service that selects its pods.</summary>
internal sealed record KubernetesService(string Name, YamlMappingNode Deployment, YamlMappingNode Service)
{
    public YamlNode PodSpec => Deployment.At("spec", "template", "spec")!;

    public IReadOnlyDictionary<string, string> Annotations =>
        Deployment.Scalars("spec", "template", "metadata", "annotations").ToDictionary(a => a.Key, a => a.Value.Value!);

    /// <summary>The container named after the service (the others are sidecars).</summary>
    public YamlNode AppContainer => Containers.Single(c => c.Text("name") == Name);

    public IReadOnlyList<YamlNode> Containers => PodSpec.Items("containers");

    public IReadOnlyList<EnvVar> Env => EnvOf(AppContainer);

    public int ContainerPort => int.Parse(AppContainer.Items("ports").Single().Text("containerPort")!);

    public YamlNode ServicePort => Service.Items("spec", "ports").Single();

    public static IReadOnlyList<EnvVar> EnvOf(YamlNode container) => container.Items("env")
        .Select(e => new EnvVar(e.Text("name")!, e.At("value") as YamlScalarNode, e.At("valueFrom")))
        .ToList();

    /// <summary>The literal env values of the app container, name → value (references left out).</summary>
    public IReadOnlyDictionary<string, string> Settings =>
        Env.Where(e => e.Value is not null).ToDictionary(e => e.Name, e => e.Value!.Value!);
}

/// <summary>The files of dapr/kubernetes, parsed.</summary>
internal static class KubernetesManifests
{
    public const string Folder = "dapr/kubernetes";

    public static IReadOnlyList<string> Files { get; } = Directory
        .EnumerateFiles(Path.Combine(RepoPaths.Root, Folder), "*.yaml")
        .Select(f => Path.GetFileName(f))
        .Where(f => f != "kustomization.yaml")
        .Order(StringComparer.Ordinal)
        .ToList();

    public static IReadOnlyList<YamlMappingNode> Documents { get; } = Files.SelectMany(f => Yaml.Load($"{Folder}/{f}")).ToList();

    public static IEnumerable<YamlMappingNode> OfKind(string kind) => Documents.Where(d => d.Text("kind") == kind);

    /// <summary>Every Deployment with the Service whose selector matches its pod labels (null when none does).</summary>
    public static IReadOnlyList<KubernetesService> Services { get; } = OfKind("Deployment")
        .Select(d => new KubernetesService(d.Text("metadata", "name")!, d, OfKind("Service").SingleOrDefault(s => Selects(s, d))!))
        .ToList();

    public static KubernetesService Get(string name) => Services.Single(s => s.Name == name);

    private static bool Selects(YamlNode service, YamlNode deployment)
    {
        var selector = service.Scalars("spec", "selector");
        var labels = deployment.Scalars("spec", "template", "metadata", "labels");
        return selector.Count > 0 && selector.All(s => labels.TryGetValue(s.Key, out var v) && v.Value == s.Value.Value);
    }
}
