namespace AgentMesh.State;

/// <summary>
/// A write's concurrency check failed: ETag mismatch (or the item is absent) or a create-only write found
/// an existing item. Dapr's state API answers these with gRPC Aborted from SaveState / DeleteState and with
/// gRPC Internal ("possible etag mismatch") from ExecuteStateTransaction; <see cref="DaprStateStore"/> maps both here.
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
