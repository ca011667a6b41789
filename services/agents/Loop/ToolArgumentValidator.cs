using System.Collections.Concurrent;
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
    private readonly ConcurrentDictionary<(string Server, string Tool, string SchemaJson), Lazy<JsonSchema?>> _schemas = new();
    private int _built;
    private readonly BuildOptions _build = new() { SchemaRegistry = new SchemaRegistry() };

    /// <summary>Why <paramref name="argumentsJson"/> does not fit <paramref name="inputSchemaJson"/> (up to five problems, with where), or null when it does.</summary>
    public string? Problem(string server, string tool, string inputSchemaJson, string argumentsJson)
    {
        if (string.IsNullOrWhiteSpace(inputSchemaJson) || Schema(server, tool, inputSchemaJson) is not { } schema)
            return null;
        using var arguments = JsonDocument.Parse(argumentsJson);
        return JsonSchemaProblems.Find(schema, arguments.RootElement, "arguments");
    }

    private JsonSchema? Schema(string server, string tool, string schemaJson)
        // Lazy: concurrent first calls build (and register) the schema once; the registry refuses a second registration.
        => _schemas.GetOrAdd((server, tool, schemaJson), _ => new Lazy<JsonSchema?>(() => Build(schemaJson))).Value;

    private JsonSchema? Build(string schemaJson)
    {
        try
        {
            // Each build gets its own address in this validator's registry: a tool whose schema changed is a new entry.
            return JsonSchema.FromText(schemaJson, _build, new Uri($"https://agentmesh.invalid/tools/{Interlocked.Increment(ref _built)}"));
        }
        catch (Exception e) when (e is JsonException or JsonSchemaException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }
}
