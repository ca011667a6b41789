using YamlDotNet.RepresentationModel;

namespace AgentMesh.Tests.Deployment;

/// <summary>Reading the deployment YAML files with YamlDotNet's representation model.</summary>
internal static class Yaml
{
    /// <summary>Every document of the file at <paramref name="relativePath"/> (from the repository root).</summary>
    public static IReadOnlyList<YamlMappingNode> Load(string relativePath)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(RepoPaths.Root, relativePath)))
        {
            stream.Load(reader);
        }

        return stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
    }

    /// <summary>The node at <paramref name="path"/> (mapping keys), or null when a key is missing.</summary>
    public static YamlNode? At(this YamlNode node, params string[] path)
    {
        YamlNode? current = node;
        foreach (var key in path)
        {
            if (current is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(key), out current))
            {
                return null;
            }
        }

        return current;
    }

    /// <summary>The scalar at <paramref name="path"/>, or null.</summary>
    public static string? Text(this YamlNode node, params string[] path) => (node.At(path) as YamlScalarNode)?.Value;

    /// <summary>The items of the sequence at <paramref name="path"/>; empty when there is none.</summary>
    public static IReadOnlyList<YamlNode> Items(this YamlNode node, params string[] path) =>
        node.At(path) is YamlSequenceNode sequence ? sequence.Children.ToList() : [];

    /// <summary>The mapping at <paramref name="path"/> as scalar key → scalar value; empty when there is none.</summary>
    public static IReadOnlyDictionary<string, YamlScalarNode> Scalars(this YamlNode node, params string[] path) =>
        node.At(path) is YamlMappingNode mapping
            ? mapping.Children.Where(c => c.Value is YamlScalarNode).ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => (YamlScalarNode)c.Value)
            : new Dictionary<string, YamlScalarNode>();

    /// <summary>
    /// True when a plain (unquoted) scalar would be read by Kubernetes as a number, a boolean or
    /// null rather than a string (YAML 1.1/1.2 core schema), e.g. <c>5001</c>, <c>true</c>, <c>~</c>.
    /// </summary>
    public static bool IsNonStringScalar(YamlScalarNode scalar) =>
        scalar.Style == YamlDotNet.Core.ScalarStyle.Plain
        && (scalar.Value is null or "" or "~" || bool.TryParse(scalar.Value, out _)
            || scalar.Value is "yes" or "no" or "on" or "off" or "null" or "Null" or "NULL"
            || double.TryParse(scalar.Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _));
}
