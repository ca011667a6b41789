using System.Text.Json.Serialization;

namespace AgentMesh.State;

/// <summary>Source-generated JSON for what <see cref="DaprStateStore"/> writes to Dapr.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(DaprStoredValue))]
[JsonSerializable(typeof(DaprKeyDirectory))]
internal sealed partial class DaprStateJsonContext : JsonSerializerContext;
