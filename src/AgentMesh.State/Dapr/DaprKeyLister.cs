using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace AgentMesh.State;

/// <summary>
/// <see cref="IStateStore.ListKeysAsync"/> over the key index: walks the directory documents under the prefix
/// in key order (a sub-directory's keys sort exactly where the directory's name sorts), confirms candidates
/// with bulk gets, and unlists the ones that turn out to be gone (expired or deleted behind the index).
/// </summary>
/// <remarks>
/// Cost of one page: one GetState per directory visited, about one GetBulkState per <c>limit + 1</c>
/// candidates, and one conditional write per directory with stale entries. Not a snapshot: a key live during
/// the whole call is listed; one created or deleted meanwhile may or may not be.
/// </remarks>
internal sealed class DaprKeyLister
{
    private readonly DaprStateGateway _gateway;
    private readonly string _indexKeyPrefix;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public DaprKeyLister(DaprStateGateway gateway, string indexKeyPrefix, TimeProvider timeProvider, ILogger logger)
    {
        _gateway = gateway;
        _indexKeyPrefix = indexKeyPrefix;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Up to <paramref name="limit"/> + 1 live keys that start with <paramref name="prefix"/> and sort after <paramref name="after"/>, ascending.</summary>
    public async Task<List<string>> ListAsync(string prefix, string? after, int limit, CancellationToken cancellationToken)
    {
        var found = new List<string>(limit + 1);
        var directories = new Dictionary<string, DaprRecord<DaprKeyDirectory>>(StringComparer.Ordinal);
        var stale = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var batch = new List<string>();
        await foreach (var key in WalkAsync(DaprKeyDirectory.DirectoryOf(prefix), prefix, after, directories, cancellationToken).ConfigureAwait(false))
        {
            batch.Add(key);
            if (batch.Count >= limit + 1 - found.Count)
            {
                await ConfirmAsync(batch, found, stale, cancellationToken).ConfigureAwait(false);
                batch.Clear();
                if (found.Count > limit)
                {
                    break;
                }
            }
        }

        if (batch.Count > 0)
        {
            await ConfirmAsync(batch, found, stale, cancellationToken).ConfigureAwait(false);
        }

        foreach (var (directory, names) in stale)
        {
            await UnlistAsync(directory, names, directories, cancellationToken).ConfigureAwait(false);
        }

        return found;
    }

    private async IAsyncEnumerable<string> WalkAsync(
        string directory,
        string prefix,
        string? after,
        Dictionary<string, DaprRecord<DaprKeyDirectory>> read,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var record = await _gateway.ReadAsync(DaprKeyIndexPlan.DocumentKey(_indexKeyPrefix, directory), DaprStateJsonContext.Default.DaprKeyDirectory, cancellationToken).ConfigureAwait(false);
        read[directory] = record;
        if (record.Value is not { } document)
        {
            yield break;
        }

        var entries = document.Keys.Select(name => (Path: directory + name, IsDirectory: false))
            .Concat(document.Directories.Select(name => (Path: directory + name, IsDirectory: true)))
            .Where(entry => entry.Path.StartsWith(prefix, StringComparison.Ordinal))
            .OrderBy(entry => entry.Path, StringComparer.Ordinal);
        foreach (var (path, isDirectory) in entries)
        {
            if (!isDirectory)
            {
                if (after is null || string.CompareOrdinal(path, after) > 0)
                {
                    yield return path;
                }

                continue;
            }

            // Every key of a directory starts with its path: skip it when all of them sort at or before `after`.
            if (after is not null && string.CompareOrdinal(path, after) < 0 && !after.StartsWith(path, StringComparison.Ordinal))
            {
                continue;
            }

            await foreach (var key in WalkAsync(path, prefix, after, read, cancellationToken).ConfigureAwait(false))
            {
                yield return key;
            }
        }
    }

    private async Task ConfirmAsync(List<string> candidates, List<string> found, Dictionary<string, List<string>> stale, CancellationToken cancellationToken)
    {
        var records = await _gateway.ReadManyAsync(candidates, DaprStateJsonContext.Default.DaprStoredValue, cancellationToken).ConfigureAwait(false);
        var nowMs = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var key in candidates)
        {
            if (records[key].Value is { } value && value.IsLiveAt(nowMs))
            {
                found.Add(key);
                continue;
            }

            var directory = DaprKeyDirectory.DirectoryOf(key);
            if (!stale.TryGetValue(directory, out var keys))
            {
                stale[directory] = keys = [];
            }

            keys.Add(key);
        }
    }

    /// <summary>
    /// Removes keys found gone from their directory, guarded by the directory's ETag as read before the keys were
    /// checked: any write that made one of them live again since then changed that ETag, so this write fails
    /// (and is left for a later listing) instead of unlisting a live key.
    /// </summary>
    private async Task UnlistAsync(string directory, List<string> keys, Dictionary<string, DaprRecord<DaprKeyDirectory>> read, CancellationToken cancellationToken)
    {
        var loaded = new Dictionary<string, DaprRecord<DaprKeyDirectory>>(StringComparer.Ordinal) { [directory] = read[directory] };
        var writes = await DaprKeyIndexPlan.PlanAsync(_gateway, _indexKeyPrefix, [], keys, loaded, cancellationToken).ConfigureAwait(false);
        if (!await _gateway.TryWriteAsync(writes, cancellationToken).ConfigureAwait(false))
        {
            DaprStateStoreLog.IndexCleanupConflicted(_logger, directory, keys.Count);
        }
    }
}
