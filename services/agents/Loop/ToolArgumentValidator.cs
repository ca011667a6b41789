using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Json.Schema;

namespace AgentMesh.Services.Agents.Loop;

/// <summary>
/// Checks a tool call's arguments against the tool's JSON input schema (JSON Schema, with JsonSchema.Net) before the
/// call runs. Each schema is built once per tool and schema text. A schema that cannot be read is not enforced: the
/// MCP server is the judge of its own tool then.
/// </summary>
public sealed class ToolArgumentValidator
{
    private const int MaxProblems = 5;
    private static readonly EvaluationOptions Check = new() { OutputFormat = OutputFormat.Flag };
    private static readonly EvaluationOptions Explain = new() { OutputFormat = OutputFormat.List };
    private readonly ConcurrentDictionary<string, Lazy<JsonSchema?>> _schemas = new(StringComparer.Ordinal);
    private readonly BuildOptions _build = new() { SchemaRegistry = new SchemaRegistry() };

    /// <summary>Why <paramref name="argumentsJson"/> does not fit <paramref name="inputSchemaJson"/> (up to five problems, with where), or null when it does.</summary>
    public string? Problem(string server, string tool, string inputSchemaJson, string argumentsJson)
    {
        if (string.IsNullOrWhiteSpace(inputSchemaJson) || Schema(server, tool, inputSchemaJson) is not { } schema)
            return null;
        using var arguments = JsonDocument.Parse(argumentsJson);
        // A valid call (the usual case) is checked with the cheapest output; a failure is evaluated again for its details.
        if (schema.Evaluate(arguments.RootElement, Check).IsValid)
            return null;
        var results = schema.Evaluate(arguments.RootElement, Explain);
        var problems = (results.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{Where(d.InstanceLocation.ToString())}: {e.Value}"))
            .Distinct()
            .Take(MaxProblems)
            .ToList();
        return problems.Count > 0 ? string.Join("; ", problems) : "the arguments do not match the schema";
    }

    private JsonSchema? Schema(string server, string tool, string schemaJson)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(schemaJson)))[..16];
        // Lazy: concurrent first calls build (and register) the schema once; the registry refuses a second registration.
        return _schemas.GetOrAdd($"{server}/{tool}/{hash}", key => new Lazy<JsonSchema?>(() => Build(key, schemaJson))).Value;
    }

    private JsonSchema? Build(string key, string schemaJson)
    {
        try
        {
            return JsonSchema.FromText(schemaJson, _build, new Uri($"https://agentmesh.invalid/tools/{Uri.EscapeDataString(key)}"));
        }
        catch (Exception e) when (e is JsonException or JsonSchemaException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    private static string Where(string pointer) => pointer is "" or "#" ? "arguments" : $"arguments{pointer}";
}
