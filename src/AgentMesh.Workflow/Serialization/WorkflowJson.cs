using System.Text.Json;

namespace AgentMesh.Workflow.Serialization;

/// <summary>Payload (de)serialization: System.Text.Json with web defaults, as Dapr's workflow SDK.</summary>
internal static class WorkflowJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static string? Serialize(object? value) =>
        value is null ? null : JsonSerializer.Serialize(value, value.GetType(), Options);

    public static T? Deserialize<T>(string? json) =>
        string.IsNullOrEmpty(json) ? default : JsonSerializer.Deserialize<T>(json, Options);
}
