using System.Text.Json;
using Json.Schema;

namespace AgentMesh.Services.Agents.Loop;

/// <summary>Evaluates a JSON value against a JSON Schema (JsonSchema.Net) and names what does not fit, for a model to correct.</summary>
public static class JsonSchemaProblems
{
    private const int MaxProblems = 5;
    private static readonly EvaluationOptions Check = new() { OutputFormat = OutputFormat.Flag };
    private static readonly EvaluationOptions Explain = new() { OutputFormat = OutputFormat.List };

    /// <summary>
    /// Null when <paramref name="value"/> fits <paramref name="schema"/>; otherwise up to five problems, each with where it is
    /// (a JSON Pointer under <paramref name="root"/>, e.g. <c>arguments/amount: …</c>), joined by "; ".
    /// </summary>
    public static string? Find(JsonSchema schema, JsonElement value, string root)
    {
        ArgumentNullException.ThrowIfNull(schema);
        // A valid value (the usual case) is checked with the cheapest output; a failure is evaluated again for its details.
        if (schema.Evaluate(value, Check).IsValid)
            return null;
        var results = schema.Evaluate(value, Explain);
        var problems = (results.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{Where(root, d.InstanceLocation.ToString())}: {e.Value}"))
            .Distinct()
            .Take(MaxProblems)
            .ToList();
        return problems.Count > 0 ? string.Join("; ", problems) : $"the {root} do not match the schema";
    }

    private static string Where(string root, string pointer) => pointer is "" or "#" ? root : root + pointer;
}
