using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization;
using AgentMesh.Contracts.V1;

namespace AgentMesh.Planning;

/// <summary>
/// Reads and writes plans as JSON. Parsing is strict, so that what parses is exactly what
/// <c>plan.schema.json</c> (published, generated from <see cref="PlanDocument"/>) allows:
/// required properties, no unknown properties, no nulls.
/// </summary>
public static class PlanJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        WriteIndented = true,
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
    };

    /// <summary>The JSON schema a plan must match (draft 2020-12 subset), as published in plan.schema.json.</summary>
    public static string Schema { get; } = ReadPublishedSchema();

    /// <summary>Generates the schema from <see cref="PlanDocument"/>; a test keeps the published file equal to it.</summary>
    public static JsonNode GenerateSchema()
    {
        var exporterOptions = new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = (context, node) =>
            {
                var description = context.PropertyInfo?.AttributeProvider?
                    .GetCustomAttributes(typeof(System.ComponentModel.DescriptionAttribute), false)
                    .OfType<System.ComponentModel.DescriptionAttribute>().FirstOrDefault()?.Description;
                if (description is not null && node is JsonObject obj)
                {
                    obj.Insert(0, "description", description);
                }

                if (node is JsonObject o && o["properties"] is not null)
                {
                    o["additionalProperties"] = false;
                }

                return node;
            },
        };
        var schema = Options.GetJsonSchemaAsNode(typeof(PlanDocument), exporterOptions);
        if (schema is JsonObject root)
        {
            root.Insert(0, "$schema", "https://json-schema.org/draft/2020-12/schema");
            root.Insert(1, "title", "AgentMesh plan");
        }

        return schema;
    }

    /// <summary>
    /// Parses a plan. Throws <see cref="PlanValidationException"/> naming the JSON path of the first
    /// problem when the text is not JSON or does not match the schema.
    /// </summary>
    public static PlanDocument Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<PlanDocument>(StripCodeFence(json), Options)
                ?? throw new PlanValidationException(["the plan is null; expected an object with \"steps\""]);
        }
        catch (JsonException e)
        {
            var where = string.IsNullOrEmpty(e.Path) ? "" : $" at {e.Path}";
            throw new PlanValidationException([$"the plan does not match the schema{where}: {FirstSentence(e.Message)}"]);
        }
    }

    /// <summary>Serializes a plan document (indented, camelCase).</summary>
    public static string Serialize(PlanDocument plan) => JsonSerializer.Serialize(plan, Options);

    /// <summary>Converts between the JSON shape and the protobuf <see cref="Plan"/>.</summary>
    public static Plan ToProto(PlanDocument document)
    {
        var plan = new Plan();
        foreach (var step in document.Steps)
        {
            var proto = new PlanStep { Id = step.Id, AgentRole = step.Role, Instruction = step.Instruction, ModelTier = step.Tier ?? "", ReviewBy = step.ReviewBy ?? "", MaxReviewRounds = step.MaxReviewRounds ?? 0, Capability = step.Capability ?? "" };
            proto.DependsOn.AddRange(step.DependsOn);
            plan.Steps.Add(proto);
        }

        return plan;
    }

    /// <inheritdoc cref="ToProto"/>
    public static PlanDocument FromProto(Plan plan) => new()
    {
        Steps = plan.Steps.Select(s => new PlanDocumentStep
        {
            Id = s.Id, Role = s.AgentRole, Instruction = s.Instruction, DependsOn = s.DependsOn.ToArray(),
            Tier = s.ModelTier.Length > 0 ? s.ModelTier : null,
            ReviewBy = s.ReviewBy.Length > 0 ? s.ReviewBy : null,
            Capability = s.Capability.Length > 0 ? s.Capability : null,
            MaxReviewRounds = s.MaxReviewRounds > 0 ? s.MaxReviewRounds : null,
        }).ToArray(),
    };

    private static string StripCodeFence(string text)
    {
        var trimmed = text.Trim();
        if (!trimmed.StartsWith("```", StringComparison.Ordinal))
        {
            return trimmed;
        }

        var firstNewline = trimmed.IndexOf('\n');
        var lastFence = trimmed.LastIndexOf("```", StringComparison.Ordinal);
        return firstNewline > 0 && lastFence > firstNewline ? trimmed[(firstNewline + 1)..lastFence] : trimmed;
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    private static string ReadPublishedSchema()
    {
        using var stream = typeof(PlanJson).Assembly.GetManifestResourceStream("plan.schema.json")
            ?? throw new InvalidOperationException("plan.schema.json is not embedded in AgentMesh.Planning.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
