using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AgentMesh.Models;

/// <summary><c>${VAR}</c> expansion (replay) and its inverse (recording) in tool-call argument strings.</summary>
internal static partial class CassetteVariables
{
    /// <summary>Returns a copy of <paramref name="node"/> with every <c>${NAME}</c> in string values replaced.</summary>
    /// <exception cref="InvalidOperationException">A name is not in <paramref name="variables"/>.</exception>
    public static JsonNode? Expand(JsonNode? node, IReadOnlyDictionary<string, string> variables, string where) =>
        Rewrite(node, text => Reference().Replace(text, match =>
            variables.TryGetValue(match.Groups[1].Value, out var value)
                ? value
                : throw new InvalidOperationException(
                    $"{where} refers to ${{{match.Groups[1].Value}}}, which is not a given variable (given: {string.Join(", ", variables.Keys.DefaultIfEmpty("none"))}).")));

    /// <summary>Returns a copy of <paramref name="node"/> with each variable's value in string values replaced by <c>${NAME}</c> (longest value first).</summary>
    public static JsonNode? Abstract(JsonNode? node, IReadOnlyDictionary<string, string> variables)
    {
        var ordered = variables.Where(v => v.Value.Length > 0).OrderByDescending(v => v.Value.Length).ToList();
        return Rewrite(node, text =>
        {
            foreach (var (name, value) in ordered)
            {
                text = text.Replace(value, $"${{{name}}}", StringComparison.Ordinal);
            }

            return text;
        });
    }

    private static JsonNode? Rewrite(JsonNode? node, Func<string, string> rewrite) => node switch
    {
        null => null,
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, Rewrite(p.Value, rewrite)))),
        JsonArray array => new JsonArray(array.Select(item => Rewrite(item, rewrite)).ToArray()),
        JsonValue value when value.TryGetValue<string>(out var text) => JsonValue.Create(rewrite(text)),
        _ => node.DeepClone(),
    };

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex Reference();
}
