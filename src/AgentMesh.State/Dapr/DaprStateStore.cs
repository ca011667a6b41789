using Dapr;
using Dapr.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentMesh.State;

/// <summary>
/// The sidecar-mode <see cref="IStateStore"/>: Dapr's state API (docs.dapr.io, "State management API
/// reference") through <see cref="DaprClient"/>, on any Dapr state component that supports ETags and
/// transactions (Redis, PostgreSQL, …). Several processes may share one store.
/// </summary>
/// <remarks>
/// <para><b>Values.</b> Each key holds a JSON document with the value, its expiry and a fresh version per write;
/// that version is the ETag this store hands out, because Dapr's writes return no ETag. Other Dapr
/// applications should not write AgentMesh's keys.</para>
/// <para><b>Every write is conditional.</b> A write reads its keys first (GetBulkState) and then sends each key
/// with the Dapr ETag it read, or as a first-write create when Dapr had no item, so the caller's checks (ETag,
/// create-only) hold at commit. A write that only lost a race on something the caller did not check (a key-index
/// document, or the key of an unconditional write) is re-read and retried, up to
/// <see cref="DaprStateStoreOptions.MaxConflictAttempts"/> times.</para>
/// <para><b>Create-only.</b> Dapr cannot test for absence with an ETag. A create is sent as first-write without an
/// ETag (Dapr's own "insert only": its first-write conformance test requires a second such save to fail) and,
/// in the same transaction, the key is added to its key-index document under that document's ETag; so two
/// creators of one key cannot both commit even on a component whose transactions ignore first-write (the Redis
/// component's <c>Multi</c> does).</para>
/// <para><b>Key index.</b> Dapr has no key listing, so the store keeps one JSON document per directory (key
/// prefix ending in <c>'/'</c>) under <see cref="DaprStateStoreOptions.IndexKeyPrefix"/>, listing the keys and
/// sub-directories directly in it. Documents change in the writes' own transactions, guarded by their ETags:
/// creating or deleting a key rewrites its directory's document (a new directory is linked into its parent, an
/// emptied one is unlinked), and rewriting an item that has a TTL re-lists it. Rewriting a live item that never
/// expires costs nothing extra. Cost: the document of a directory with n keys is O(n) bytes and is rewritten on
/// every create or delete there, and creates and deletes within one directory serialise on its ETag.</para>
/// <para><b>TTL</b> is Dapr's <c>ttlInSeconds</c> metadata rounded up to whole seconds; a write without TTL sends -1,
/// which removes an earlier expiry (docs.dapr.io, "State Time-to-Live"; the Redis component keeps it otherwise).
/// Items are invisible from their exact expiry by this store's <see cref="TimeProvider"/>.</para>
/// <para><b>Several processes.</b> Stores in several processes may share one Dapr state store; a
/// <see cref="RunEventLog"/> waiter then sees appends made elsewhere by polling
/// (<see cref="RunEventLogOptions.PollInterval"/>, default 1 s), since its wake-ups are in-process only.</para>
/// <para><b>Limits.</b> Keys must not contain <c>'||'</c> (Dapr reserves it). A transaction also carries the index
/// documents it changes, which counts against a component's limit of operations per transaction. Atomicity is the
/// component's: the Redis component does not roll a transaction back when one of its ETag checks fails. A component
/// whose ETags restart after a delete (Redis counts versions per key) cannot tell a key deleted and re-created within
/// one read-to-commit round trip of a conditional write from the original.</para>
/// </remarks>
public sealed class DaprStateStore : IStateStore
{
    private readonly DaprStateGateway _gateway;
    private readonly DaprKeyLister _lister;
    private readonly DaprStateStoreOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private volatile bool _rootIndexExists;

    /// <summary>Creates a store over <paramref name="client"/>, which it does not dispose.</summary>
    /// <param name="client">The Dapr client (sidecar address and API token are its own settings).</param>
    /// <param name="options">Store name and index settings; <c>null</c> means the defaults.</param>
    /// <param name="timeProvider">Clock for TTL; <c>null</c> means <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">Logger; <c>null</c> logs nothing.</param>
    /// <exception cref="ArgumentException"><paramref name="options"/> are invalid (the message names the setting).</exception>
    public DaprStateStore(DaprClient client, DaprStateStoreOptions? options = null, TimeProvider? timeProvider = null, ILogger<DaprStateStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _options = options ?? new DaprStateStoreOptions();
        if (_options.Validate() is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _gateway = new DaprStateGateway(client, _options.StoreName);
        _lister = new DaprKeyLister(_gateway, _options.IndexKeyPrefix, _timeProvider, _logger);
    }

    /// <summary>The Dapr state store component this store uses.</summary>
    public string StoreName => _options.StoreName;

    /// <inheritdoc />
    /// <exception cref="DaprException">The sidecar or the component failed.</exception>
    /// <exception cref="InvalidDataException">The key holds a value that AgentMesh did not write.</exception>
    public async Task<StateItem?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        var record = await _gateway.ReadAsync(key, DaprStateJsonContext.Default.DaprStoredValue, cancellationToken).ConfigureAwait(false);
        return record.Value is { } value && value.IsLiveAt(NowMs()) ? value.ToItem(key) : null;
    }

    /// <inheritdoc />
    public async Task<string> SetAsync(string key, ReadOnlyMemory<byte> value, StateWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        var plan = await ApplyAsync([StateOperation.Upsert(key, value, options)], cancellationToken).ConfigureAwait(false);
        return plan.ETags[0];
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string key, string? etag = null, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        var plan = await ApplyAsync([StateOperation.Delete(key, etag)], cancellationToken).ConfigureAwait(false);
        return plan.WasLive[0];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<StateItem>> GetBulkAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var distinct = keys.Distinct(StringComparer.Ordinal).ToList();
        distinct.ForEach(ValidateKey);
        var records = await _gateway.ReadManyAsync(distinct, DaprStateJsonContext.Default.DaprStoredValue, cancellationToken).ConfigureAwait(false);
        var nowMs = NowMs();
        return distinct
            .Where(key => records[key].Value is { } value && value.IsLiveAt(nowMs))
            .Select(key => records[key].Value!.ToItem(key))
            .ToList();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ExecuteTransactionAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operations);
        foreach (var operation in operations)
        {
            ValidateKey(operation.Key);
        }

        var plan = await ApplyAsync(operations, cancellationToken).ConfigureAwait(false);
        return plan.ETags;
    }

    /// <inheritdoc />
    /// <remarks>Reads the key index; see <see cref="DaprKeyLister"/> for the cost of a page.</remarks>
    public async Task<StateKeyPage> ListKeysAsync(string prefix, string? continuationToken, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var keys = await _lister.ListAsync(prefix, StateKeyPageTokens.LastKey(continuationToken), limit, cancellationToken).ConfigureAwait(false);
        if (keys.Count <= limit)
        {
            return new StateKeyPage(keys, null);
        }

        keys.RemoveAt(limit);
        return new StateKeyPage(keys, StateKeyPageTokens.After(keys[^1]));
    }

    private async Task<DaprOperationPlan> ApplyAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken)
    {
        if (operations.Count == 0)
        {
            return DaprOperationPlan.Create(operations, new Dictionary<string, DaprRecord<DaprStoredValue>>(), NowMs());
        }

        var keys = operations.Select(operation => operation.Key).Distinct(StringComparer.Ordinal).ToList();
        for (var attempt = 1; ; attempt++)
        {
            var records = await _gateway.ReadManyAsync(keys, DaprStateJsonContext.Default.DaprStoredValue, cancellationToken).ConfigureAwait(false);
            var plan = DaprOperationPlan.Create(operations, records, NowMs());
            var writes = plan.Writes;
            if (plan.IndexAdds.Count > 0 || plan.IndexRemoves.Count > 0)
            {
                await EnsureRootIndexAsync(cancellationToken).ConfigureAwait(false);
                var loaded = new Dictionary<string, DaprRecord<DaprKeyDirectory>>(StringComparer.Ordinal);
                var indexWrites = await DaprKeyIndexPlan.PlanAsync(_gateway, _options.IndexKeyPrefix, plan.IndexAdds, plan.IndexRemoves, loaded, cancellationToken).ConfigureAwait(false);
                writes = [.. writes, .. indexWrites];
            }

            if (await StillAbsentAsync(writes, cancellationToken).ConfigureAwait(false)
                && await _gateway.TryWriteAsync(writes, cancellationToken).ConfigureAwait(false))
            {
                return plan;
            }

            if (attempt >= _options.MaxConflictAttempts)
            {
                throw new StateConcurrencyException(
                    keys[0],
                    $"State write of key '{keys[0]}' still lost races in Dapr state store '{_options.StoreName}' after {attempt} attempts ({DaprStateStoreOptions.SectionName}:MaxConflictAttempts).");
            }

            DaprStateStoreLog.WriteConflictRetried(_logger, keys[0], attempt);
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 2 + (4 * Math.Min(attempt, 10)))), _timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Re-reads the keys that <paramref name="writes"/> create (first-write, no ETag) and says whether all are still
    /// absent. A create is safe only if its key was absent after the index document guarding it (its directory's,
    /// or for a new directory its parent's) was read: a creator that commits later must change that document, so
    /// the ETag check fails; one that committed earlier is seen here. The first reads came before the index reads,
    /// so this check is needed where a component ignores first-write in transactions (Redis).
    /// </summary>
    private async Task<bool> StillAbsentAsync(IReadOnlyList<DaprWrite> writes, CancellationToken cancellationToken)
    {
        var creates = writes.Where(write => !write.IsDelete && write.ETag is null).Select(write => write.Key).ToList();
        if (creates.Count == 0)
        {
            return true;
        }

        return (await _gateway.WhichExistAsync(creates, cancellationToken).ConfigureAwait(false)).Count == 0;
    }

    /// <summary>
    /// Creates the root index document once per store, on its own: a single first-write save, because the Redis
    /// component honours first-write only outside transactions. Losing that race to another process is fine.
    /// </summary>
    private async Task EnsureRootIndexAsync(CancellationToken cancellationToken)
    {
        if (_rootIndexExists)
        {
            return;
        }

        var rootKey = DaprKeyIndexPlan.DocumentKey(_options.IndexKeyPrefix, string.Empty);
        var type = DaprStateJsonContext.Default.DaprKeyDirectory;
        if (!(await _gateway.ReadAsync(rootKey, type, cancellationToken).ConfigureAwait(false)).Exists)
        {
            var empty = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new DaprKeyDirectory(), type);
            try
            {
                if (await _gateway.TryWriteAsync([DaprWrite.Upsert(rootKey, empty, etag: null, ttlInSeconds: -1)], cancellationToken).ConfigureAwait(false))
                {
                    DaprStateStoreLog.IndexRootCreated(_logger, rootKey, _options.StoreName);
                }
            }
            catch (DaprException)
            {
                // Another process may have created it first, and some components (Redis) say so with a non-ETag error.
                if (!(await _gateway.ReadAsync(rootKey, type, cancellationToken).ConfigureAwait(false)).Exists)
                {
                    throw;
                }
            }
        }

        _rootIndexExists = true;
    }

    private void ValidateKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (key.StartsWith(_options.IndexKeyPrefix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"State key '{key}' starts with '{_options.IndexKeyPrefix}', which the Dapr state store reserves for its key index ({DaprStateStoreOptions.SectionName}:IndexKeyPrefix).", nameof(key));
        }

        if (key.Contains("||", StringComparison.Ordinal))
        {
            throw new ArgumentException($"State key '{key}' contains '||', which Dapr reserves in state keys (docs.dapr.io, State management API reference, \"Key scheme\").", nameof(key));
        }
    }

    private long NowMs() => _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
}
