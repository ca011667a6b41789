using System.Text.Json;

namespace AgentMesh.State;

/// <summary>
/// Plans the key-index writes that go into the same Dapr transaction as a set of application writes: adds
/// keys to (and removes keys from) their directory documents, creates a missing directory by linking it into
/// its parent, and deletes a directory left empty by unlinking it from its parent. Every document write is
/// guarded by the ETag read before the plan (a new document by first-write), so two writers that change the
/// same directory cannot both commit.
/// </summary>
/// <remarks>
/// Planning needs the documents it changes. <see cref="TryPlan"/> reports the directories it has not been
/// given in <c>missing</c>; the caller reads them and plans again (at most once per level of the key's path).
/// </remarks>
internal sealed class DaprKeyIndexPlan
{
    private readonly string _indexKeyPrefix;
    private readonly IReadOnlyDictionary<string, DaprRecord<DaprKeyDirectory>> _loaded;
    private readonly SortedDictionary<string, WorkingDirectory> _working = new(StringComparer.Ordinal);
    private readonly HashSet<string> _missing;

    private DaprKeyIndexPlan(string indexKeyPrefix, IReadOnlyDictionary<string, DaprRecord<DaprKeyDirectory>> loaded, HashSet<string> missing)
    {
        _indexKeyPrefix = indexKeyPrefix;
        _loaded = loaded;
        _missing = missing;
    }

    /// <summary>
    /// Plans adding <paramref name="adds"/> and removing <paramref name="removes"/> (disjoint key sets). Returns the
    /// document writes, or <c>null</c> with <paramref name="missing"/> holding the directories to read first.
    /// </summary>
    /// <param name="indexKeyPrefix">Prefix of the index documents' Dapr keys.</param>
    /// <param name="adds">Keys to list (a key already listed is re-written, which guards it against a concurrent removal).</param>
    /// <param name="removes">Keys to unlist.</param>
    /// <param name="loaded">Directory documents read so far, by directory (<c>""</c> is the root).</param>
    /// <param name="missing">Receives the directories still to read.</param>
    public static IReadOnlyList<DaprWrite>? TryPlan(
        string indexKeyPrefix,
        IEnumerable<string> adds,
        IEnumerable<string> removes,
        IReadOnlyDictionary<string, DaprRecord<DaprKeyDirectory>> loaded,
        HashSet<string> missing)
    {
        var plan = new DaprKeyIndexPlan(indexKeyPrefix, loaded, missing);
        foreach (var key in adds)
        {
            plan.Add(key);
        }

        foreach (var key in removes)
        {
            plan.Remove(key);
        }

        plan.PruneEmptyDirectories();
        return missing.Count > 0 ? null : plan.Emit();
    }

    /// <summary>
    /// Plans like <see cref="TryPlan"/>, reading the directory documents it needs through <paramref name="gateway"/>
    /// (one GetBulkState per level of the deepest path); <paramref name="loaded"/> may hold documents read earlier,
    /// whose ETags then guard the writes.
    /// </summary>
    public static async Task<IReadOnlyList<DaprWrite>> PlanAsync(
        DaprStateGateway gateway,
        string indexKeyPrefix,
        IReadOnlyCollection<string> adds,
        IReadOnlyCollection<string> removes,
        Dictionary<string, DaprRecord<DaprKeyDirectory>> loaded,
        CancellationToken cancellationToken)
    {
        var missing = new HashSet<string>(StringComparer.Ordinal);
        IReadOnlyList<DaprWrite>? writes;
        while ((writes = TryPlan(indexKeyPrefix, adds, removes, loaded, missing)) is null)
        {
            var documentKeys = missing.ToDictionary(directory => DocumentKey(indexKeyPrefix, directory), directory => directory, StringComparer.Ordinal);
            var records = await gateway.ReadManyAsync(documentKeys.Keys, DaprStateJsonContext.Default.DaprKeyDirectory, cancellationToken).ConfigureAwait(false);
            foreach (var (documentKey, directory) in documentKeys)
            {
                loaded[directory] = records[documentKey];
            }

            missing.Clear();
        }

        return writes;
    }

    /// <summary>The Dapr key of <paramref name="directory"/>'s index document.</summary>
    public static string DocumentKey(string indexKeyPrefix, string directory) => indexKeyPrefix + directory;

    private void Add(string key)
    {
        var directory = DaprKeyDirectory.DirectoryOf(key);
        if (Work(directory) is not { } working)
        {
            return;
        }

        working.Keys.Add(key[directory.Length..]);
        working.Modified = true;
        Link(directory, working);
    }

    private void Remove(string key)
    {
        var directory = DaprKeyDirectory.DirectoryOf(key);
        if (Work(directory) is not { } working || working.ETag is null)
        {
            return;
        }

        working.Keys.Remove(key[directory.Length..]);
        working.Modified = true;
    }

    /// <summary>A new directory (no document yet) is listed in its parent, creating the parent the same way.</summary>
    private void Link(string directory, WorkingDirectory working)
    {
        while (working.ETag is null && directory.Length > 0)
        {
            var parent = DaprKeyDirectory.ParentOf(directory);
            if (Work(parent) is not { } parentWorking)
            {
                return;
            }

            parentWorking.Directories.Add(DaprKeyDirectory.NameInParent(directory));
            parentWorking.Modified = true;
            directory = parent;
            working = parentWorking;
        }
    }

    private void PruneEmptyDirectories()
    {
        bool pruned;
        do
        {
            pruned = false;
            foreach (var (directory, working) in _working.Reverse().ToList())
            {
                if (directory.Length == 0 || !working.Modified || working.Deleted || working.ETag is null || working.Keys.Count > 0 || working.Directories.Count > 0)
                {
                    continue;
                }

                if (Work(DaprKeyDirectory.ParentOf(directory)) is not { } parent)
                {
                    continue;
                }

                working.Deleted = true;
                parent.Directories.Remove(DaprKeyDirectory.NameInParent(directory));
                parent.Modified = true;
                pruned = true;
            }
        }
        while (pruned);
    }

    private List<DaprWrite> Emit()
    {
        var writes = new List<DaprWrite>();
        foreach (var (directory, working) in _working)
        {
            if (!working.Modified)
            {
                continue;
            }

            var key = DocumentKey(_indexKeyPrefix, directory);
            if (working.Deleted)
            {
                writes.Add(DaprWrite.Delete(key, working.ETag!));
                continue;
            }

            var document = new DaprKeyDirectory { Keys = [.. working.Keys], Directories = [.. working.Directories] };
            var json = JsonSerializer.SerializeToUtf8Bytes(document, DaprStateJsonContext.Default.DaprKeyDirectory);
            writes.Add(DaprWrite.Upsert(key, json, working.ETag, ttlInSeconds: -1));
        }

        return writes;
    }

    private WorkingDirectory? Work(string directory)
    {
        if (_working.TryGetValue(directory, out var working))
        {
            return working;
        }

        if (!_loaded.TryGetValue(directory, out var record))
        {
            _missing.Add(directory);
            return null;
        }

        working = new WorkingDirectory(record.Value, record.Exists ? record.ETag : null);
        _working[directory] = working;
        return working;
    }

    /// <summary>A directory document being edited; <see cref="ETag"/> is <c>null</c> when it does not exist yet.</summary>
    private sealed class WorkingDirectory(DaprKeyDirectory? document, string? etag)
    {
        public SortedSet<string> Keys { get; } = new(document?.Keys ?? [], StringComparer.Ordinal);

        public SortedSet<string> Directories { get; } = new(document?.Directories ?? [], StringComparer.Ordinal);

        public string? ETag { get; } = etag;

        public bool Modified { get; set; }

        public bool Deleted { get; set; }
    }
}
