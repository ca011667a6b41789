namespace AgentMesh.State;

/// <summary>
/// A key/value state store with ETag concurrency, all-or-nothing transactions and TTL, modelled on
/// the Dapr state management API (docs.dapr.io, "State management API reference"): a write without an
/// ETag is last-write-wins; a write with an ETag succeeds only when it matches the stored one
/// (first-write-wins). Expired items are invisible to every operation.
/// </summary>
/// <remarks>Implementations are safe for concurrent callers.</remarks>
public interface IStateStore
{
    /// <summary>Reads one item; <c>null</c> when the key is absent or expired.</summary>
    Task<StateItem?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Writes one item and returns its new ETag.</summary>
    /// <exception cref="StateConcurrencyException">
    /// <see cref="StateWriteOptions.ETag"/> is set and does not match the stored item (or the item is
    /// absent), or <see cref="StateWriteOptions.CreateOnly"/> is set and the item exists.
    /// </exception>
    Task<string> SetAsync(string key, ReadOnlyMemory<byte> value, StateWriteOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes one item. Returns <c>true</c> when an item was deleted, <c>false</c> when the key was
    /// absent and no <paramref name="etag"/> was given.
    /// </summary>
    /// <exception cref="StateConcurrencyException"><paramref name="etag"/> is set and does not match (or the item is absent).</exception>
    Task<bool> DeleteAsync(string key, string? etag = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads several items (not transactional, like Dapr's bulk get). Returns the items that exist, in the
    /// order of <paramref name="keys"/>; absent and expired keys are left out; a repeated key appears once.
    /// </summary>
    Task<IReadOnlyList<StateItem>> GetBulkAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies upserts and deletes all-or-nothing, each with its own ETag / create-only check (Dapr's
    /// state transaction). Returns one entry per operation, in order: the new ETag of an upsert, an empty
    /// string for a delete.
    /// </summary>
    /// <exception cref="StateConcurrencyException">Any check fails; nothing is written. Names the first failing key.</exception>
    Task<IReadOnlyList<string>> ExecuteTransactionAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists live keys starting with <paramref name="prefix"/>, in ascending ordinal order, at most
    /// <paramref name="limit"/> (≥ 1) per page. Pass the returned <see cref="StateKeyPage.ContinuationToken"/>
    /// to get the next page; <c>null</c> starts from the beginning.
    /// </summary>
    Task<StateKeyPage> ListKeysAsync(string prefix, string? continuationToken, int limit, CancellationToken cancellationToken = default);
}
