namespace AgentMesh.State;

/// <summary>Concurrency and lifetime options of one write.</summary>
public sealed record StateWriteOptions
{
    /// <summary>
    /// When set, the write succeeds only if the stored item exists with this ETag (Dapr first-write-wins);
    /// <c>null</c> (default) writes unconditionally (last-write-wins).
    /// </summary>
    public string? ETag { get; init; }

    /// <summary>When <c>true</c>, the write succeeds only if no live item has the key. Default <c>false</c>. Cannot be combined with <see cref="ETag"/>.</summary>
    public bool CreateOnly { get; init; }

    /// <summary>Time to live from the moment of the write (must be positive); <c>null</c> (default) keeps the item forever. Like Dapr's <c>ttlInSeconds</c>, a write replaces any earlier expiry.</summary>
    public TimeSpan? Ttl { get; init; }

    internal void Validate(string key)
    {
        if (CreateOnly && ETag is not null)
        {
            throw new ArgumentException($"State write for key '{key}': CreateOnly and ETag cannot be combined.");
        }

        if (Ttl is { } ttl && ttl <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Ttl), ttl, $"State write for key '{key}': Ttl must be positive.");
        }
    }
}
