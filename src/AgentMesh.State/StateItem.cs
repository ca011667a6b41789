namespace AgentMesh.State;

/// <summary>One stored item.</summary>
/// <param name="Key">The key.</param>
/// <param name="Value">The value bytes, opaque to the store.</param>
/// <param name="ETag">Opaque version tag; changes on every write.</param>
/// <param name="ExpiresAt">When the item expires (UTC), or <c>null</c> when it never does.</param>
public sealed record StateItem(string Key, ReadOnlyMemory<byte> Value, string ETag, DateTimeOffset? ExpiresAt);
