using System.Text.Json;

namespace AgentMesh.State;

/// <summary>
/// Turns the caller's operations into conditional Dapr writes against what was just read: checks each
/// operation's ETag / create-only condition in order (a later operation sees the earlier ones), folds several
/// operations on one key into one write, and says which keys enter or leave the key index.
/// </summary>
internal sealed class DaprOperationPlan
{
    private readonly string[] _etags;
    private readonly bool[] _wasLive;

    private DaprOperationPlan(int count)
    {
        _etags = new string[count];
        _wasLive = new bool[count];
    }

    /// <summary>Per operation: the new version (AgentMesh ETag) of an upsert, empty for a delete.</summary>
    public IReadOnlyList<string> ETags => _etags;

    /// <summary>Per operation: whether its key held a live item just before it.</summary>
    public IReadOnlyList<bool> WasLive => _wasLive;

    /// <summary>The writes of the application keys, each guarded by the Dapr ETag read (or first-write when absent).</summary>
    public List<DaprWrite> Writes { get; } = [];

    /// <summary>Keys that must be listed in the index after the write (new keys, and rewritten keys that had a TTL).</summary>
    public List<string> IndexAdds { get; } = [];

    /// <summary>Keys that leave the index (deleted items that Dapr still held).</summary>
    public List<string> IndexRemoves { get; } = [];

    /// <summary>Plans <paramref name="operations"/> over <paramref name="records"/> (one per distinct key) at <paramref name="nowMs"/>.</summary>
    /// <exception cref="StateConcurrencyException">An operation's ETag or create-only check fails against the records.</exception>
    public static DaprOperationPlan Create(IReadOnlyList<StateOperation> operations, IReadOnlyDictionary<string, DaprRecord<DaprStoredValue>> records, long nowMs)
    {
        var plan = new DaprOperationPlan(operations.Count);
        var current = new Dictionary<string, DaprStoredValue?>(StringComparer.Ordinal);
        var ttlSeconds = new Dictionary<string, int>(StringComparer.Ordinal);
        var order = new List<string>();
        for (var i = 0; i < operations.Count; i++)
        {
            var operation = operations[i];
            if (!current.TryGetValue(operation.Key, out var item))
            {
                var stored = records[operation.Key].Value;
                item = stored is not null && stored.IsLiveAt(nowMs) ? stored : null;
                order.Add(operation.Key);
            }

            Check(operation, item);
            plan._wasLive[i] = item is not null;
            if (operation.Kind == StateOperationKind.Delete)
            {
                current[operation.Key] = null;
                plan._etags[i] = string.Empty;
                continue;
            }

            var ttl = operation.Options?.Ttl;
            var written = new DaprStoredValue(Guid.NewGuid().ToString("N"), ttl is { } t ? nowMs + (long)t.TotalMilliseconds : null, operation.Value.ToArray());
            current[operation.Key] = written;
            ttlSeconds[operation.Key] = ttl is { } span ? (int)Math.Min(Math.Ceiling(span.TotalSeconds), int.MaxValue) : -1;
            plan._etags[i] = written.Version;
        }

        foreach (var key in order)
        {
            var record = records[key];
            var wasLive = record.Value is { } before && before.IsLiveAt(nowMs);
            if (current[key] is { } final)
            {
                var json = JsonSerializer.SerializeToUtf8Bytes(final, DaprStateJsonContext.Default.DaprStoredValue);
                plan.Writes.Add(DaprWrite.Upsert(key, json, record.Exists ? record.ETag : null, ttlSeconds[key]));
                if (!wasLive || record.Value!.ExpiresAtUnixMs is not null)
                {
                    plan.IndexAdds.Add(key);
                }
            }
            else if (record.Exists)
            {
                plan.Writes.Add(DaprWrite.Delete(key, record.ETag));
                plan.IndexRemoves.Add(key);
            }
        }

        return plan;
    }

    private static void Check(StateOperation operation, DaprStoredValue? item)
    {
        var key = operation.Key;
        if (operation.Options?.ETag is { } expected && item?.Version != expected)
        {
            throw new StateConcurrencyException(
                key,
                item is null
                    ? $"State key '{key}' does not exist, so ETag '{expected}' cannot match."
                    : $"State key '{key}' has ETag '{item.Version}', not the expected '{expected}'.");
        }

        if (operation.Options?.CreateOnly == true && item is not null)
        {
            throw new StateConcurrencyException(key, $"State key '{key}' already exists (create-only write).");
        }
    }
}
