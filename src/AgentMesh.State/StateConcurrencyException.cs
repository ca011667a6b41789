namespace AgentMesh.State;

/// <summary>
/// A write's concurrency check failed: ETag mismatch (or the item is absent) or a create-only write found
/// an existing item. Dapr's state API answers these with HTTP 409 / gRPC Aborted.
/// </summary>
public sealed class StateConcurrencyException : Exception
{
    /// <summary>Creates the exception for <paramref name="key"/>.</summary>
    public StateConcurrencyException(string key, string message)
        : base(message)
    {
        Key = key;
    }

    /// <summary>The key whose check failed.</summary>
    public string Key { get; }
}
