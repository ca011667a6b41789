using YamlDotNet.RepresentationModel;

namespace AgentMesh.Tests.Deployment;

/// <summary>One <c>project:</c> service of tye.yaml.</summary>
internal sealed record TyeService(string Name, string Project, int Port, string? Protocol, IReadOnlyDictionary<string, string> Settings)
{
    /// <summary>The folder Tye starts the project in (the project's own), where relative paths start.</summary>
    public string WorkingDirectory => Path.GetDirectoryName(Path.Combine(RepoPaths.Root, Project))!;

    /// <summary><paramref name="relativePath"/> as Tye's process would resolve it.</summary>
    public string Resolve(string relativePath) => Path.GetFullPath(Path.Combine(WorkingDirectory, relativePath));
}

/// <summary>tye.yaml at the repository root, parsed.</summary>
internal static class TyeManifest
{
    public static YamlMappingNode Document { get; } = Yaml.Load("tye.yaml").Single();

    public static IReadOnlyList<TyeService> Services { get; } = Document.Items("services").Select(Read).ToList();

    public static TyeService Get(string name) => Services.Single(s => s.Name == name);

    private static TyeService Read(YamlNode service)
    {
        var binding = service.Items("bindings").Single();
        var settings = service.Items("env").ToDictionary(e => e.Text("name")!, e => e.Text("value")!);
        return new TyeService(service.Text("name")!, service.Text("project")!, int.Parse(binding.Text("port")!), binding.Text("protocol"), settings);
    }
}
