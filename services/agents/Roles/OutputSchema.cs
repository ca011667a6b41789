using System.Text.Json;
using AgentMesh.Services.Agents.Loop;
using Json.Schema;

namespace AgentMesh.Services.Agents.Roles;

/// <summary>
/// The JSON Schema a role's final answer must fit (<c>&lt;role&gt;.schema.json</c> beside <c>&lt;role&gt;.md</c>), read once
/// at start-up with JsonSchema.Net. The answer is a JSON value, optionally inside one Markdown code fence.
/// </summary>
public sealed class OutputSchema
{
    private readonly JsonSchema _schema;

    private OutputSchema(JsonSchema schema, JsonElement document)
    {
        _schema = schema;
        Document = document;
    }

    /// <summary>The schema as JSON, as the model provider's structured-output request carries it.</summary>
    public JsonElement Document { get; }

    /// <summary>Reads the schema of <paramref name="path"/>. Throws <see cref="InvalidOperationException"/> naming the file when it is not a JSON Schema.</summary>
    public static OutputSchema Load(string path) => Parse(File.ReadAllText(path), $"Output schema '{path}'", Path.GetFileName(path));

    /// <summary>
    /// Reads a schema given with a step (RunStepRequest.output_schema_json). Throws <see cref="InvalidOperationException"/>
    /// when it is not a JSON Schema.
    /// </summary>
    public static OutputSchema FromJson(string json) => Parse(json, "The step's output schema", $"step-{Guid.NewGuid():N}");

    private static OutputSchema Parse(string text, string what, string name)
    {
        try
        {
            var schema = JsonSchema.FromText(text, new BuildOptions { SchemaRegistry = new SchemaRegistry() }, new Uri($"https://agentmesh.invalid/schemas/{name}"));
            using var document = JsonDocument.Parse(text);
            return new OutputSchema(schema, document.RootElement.Clone());
        }
        catch (Exception e) when (e is JsonException or JsonSchemaException or ArgumentException or InvalidOperationException)
        {
            throw new InvalidOperationException($"{what} is not a JSON Schema: {e.Message}", e);
        }
    }

    /// <summary>The answer in <paramref name="text"/> as compact JSON when it fits the schema; otherwise null and why, for a correction turn.</summary>
    public (string? Json, string? Problem) Check(string text)
    {
        var body = Unfenced(text);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            return (null, $"the answer is not JSON ({e.Message})");
        }

        using (document)
        {
            return JsonSchemaProblems.Find(_schema, document.RootElement, "answer") is { } problem
                ? (null, problem)
                : (JsonSerializer.Serialize(document.RootElement), null);
        }
    }

    /// <summary><paramref name="text"/> without one surrounding Markdown code fence (<c>```json … ```</c>), trimmed.</summary>
    private static string Unfenced(string text)
    {
        var trimmed = text.Trim();
        if (!trimmed.StartsWith("```", StringComparison.Ordinal) || !trimmed.EndsWith("```", StringComparison.Ordinal) || trimmed.Length < 6)
            return trimmed;
        var firstLineEnd = trimmed.IndexOf('\n');
        return firstLineEnd < 0 ? trimmed : trimmed[(firstLineEnd + 1)..^3].Trim();
    }
}
