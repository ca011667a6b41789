namespace AgentMesh.State;

/// <summary>
/// One conditional write that <see cref="DaprStateStore"/> sends to Dapr. Every write is first-write
/// (<c>concurrency: first-write</c>): with <see cref="ETag"/> it must match the stored item; without one an
/// upsert must create the item (docs.dapr.io "State management API reference", "Concurrency"; Dapr's
/// first-write conformance test: a first-write save without ETag fails when the key exists).
/// </summary>
/// <param name="Key">The Dapr state key.</param>
/// <param name="Value">JSON bytes to store; <c>null</c> for a delete.</param>
/// <param name="ETag">The Dapr ETag the item must have; <c>null</c> only for a create (never for a delete).</param>
/// <param name="TtlInSeconds">Sent as the <c>ttlInSeconds</c> metadata of an upsert: whole seconds ≥ 1, or -1 to persist
/// (docs.dapr.io "State Time-to-Live": -1 overrides any TTL set earlier or by the component).</param>
internal sealed record DaprWrite(string Key, byte[]? Value, string? ETag, int TtlInSeconds)
{
    /// <summary>An upsert.</summary>
    public static DaprWrite Upsert(string key, byte[] value, string? etag, int ttlInSeconds) => new(key, value, etag, ttlInSeconds);

    /// <summary>A delete guarded by <paramref name="etag"/>.</summary>
    public static DaprWrite Delete(string key, string etag) => new(key, null, etag, 0);

    /// <summary>True for a delete.</summary>
    public bool IsDelete => Value is null;
}
