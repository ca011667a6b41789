using System.Text.Json.Serialization;

namespace AgentMesh.State;

/// <summary>
/// What <see cref="DaprStateStore"/> stores under an application key: a JSON object
/// <c>{"v":"&lt;version&gt;","exp":&lt;unix ms&gt;|null,"data":"&lt;base64&gt;"}</c>. JSON because Dapr.Client's
/// bulk get returns values as UTF-8 text and JSON is what every Dapr state component stores natively.
/// </summary>
/// <param name="Version">
/// A fresh random id per write (32 hex digits); it is the <see cref="StateItem.ETag"/> AgentMesh hands out,
/// because Dapr's SaveState and ExecuteStateTransaction return no ETag (dapr.proto.runtime.v1: both answer
/// <c>google.protobuf.Empty</c>).
/// </param>
/// <param name="ExpiresAtUnixMs">Expiry in Unix milliseconds (UTC) by the writer's clock, or <c>null</c>.</param>
/// <param name="Data">The application's value bytes.</param>
internal sealed record DaprStoredValue(
    [property: JsonPropertyName("v")] string Version,
    [property: JsonPropertyName("exp")] long? ExpiresAtUnixMs,
    [property: JsonPropertyName("data")] byte[] Data)
{
    /// <summary>Whether the value is live at <paramref name="nowMs"/> (Unix ms).</summary>
    public bool IsLiveAt(long nowMs) => ExpiresAtUnixMs is not { } expires || expires > nowMs;

    /// <summary>The value as the <see cref="StateItem"/> of <paramref name="key"/>.</summary>
    public StateItem ToItem(string key) =>
        new(key, Data, Version, ExpiresAtUnixMs is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null);
}
