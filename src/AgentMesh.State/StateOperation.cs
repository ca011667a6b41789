namespace AgentMesh.State;

/// <summary>The kind of a transactional operation.</summary>
public enum StateOperationKind
{
    /// <summary>Insert or replace the value.</summary>
    Upsert,

    /// <summary>Remove the key.</summary>
    Delete,
}

/// <summary>One operation of <see cref="IStateStore.ExecuteTransactionAsync"/>. Create with <see cref="Upsert"/> or <see cref="Delete"/>.</summary>
public sealed record StateOperation
{
    private StateOperation(StateOperationKind kind, string key, ReadOnlyMemory<byte> value, StateWriteOptions? options)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        options?.Validate(key);
        Kind = kind;
        Key = key;
        Value = value;
        Options = options;
    }

    /// <summary>Upsert or delete.</summary>
    public StateOperationKind Kind { get; }

    /// <summary>The key.</summary>
    public string Key { get; }

    /// <summary>The value to write (empty for a delete).</summary>
    public ReadOnlyMemory<byte> Value { get; }

    /// <summary>ETag / create-only / TTL of the operation; for a delete only <see cref="StateWriteOptions.ETag"/> applies.</summary>
    public StateWriteOptions? Options { get; }

    /// <summary>An upsert of <paramref name="value"/> under <paramref name="key"/>.</summary>
    public static StateOperation Upsert(string key, ReadOnlyMemory<byte> value, StateWriteOptions? options = null) =>
        new(StateOperationKind.Upsert, key, value, options);

    /// <summary>A delete of <paramref name="key"/>; with <paramref name="etag"/> the item must exist with that ETag. Deleting an absent key without an ETag is a no-op.</summary>
    public static StateOperation Delete(string key, string? etag = null) =>
        new(StateOperationKind.Delete, key, ReadOnlyMemory<byte>.Empty, etag is null ? null : new StateWriteOptions { ETag = etag });
}
