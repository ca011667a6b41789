namespace AgentMesh.State;

/// <summary>What Dapr holds under one key, as read: the parsed value (or <c>null</c> when absent) and Dapr's ETag.</summary>
/// <param name="Value">The parsed document; <c>null</c> when Dapr has no item (GetState answers empty data).</param>
/// <param name="ETag">The state component's ETag; empty when the item is absent.</param>
internal readonly record struct DaprRecord<T>(T? Value, string ETag)
    where T : class
{
    /// <summary>True when Dapr holds an item under the key (it may still be expired by AgentMesh's clock).</summary>
    public bool Exists => Value is not null;
}
