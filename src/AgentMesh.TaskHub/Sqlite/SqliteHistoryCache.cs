using AgentMesh.TaskHub.Protocol;

namespace AgentMesh.TaskHub.Sqlite;

/// <summary>
/// The history of recently run instances, so that taking a turn does not read and parse the whole
/// history again: filled when a turn is read, extended by what a committed turn appended, dropped when
/// the instance finishes, continues as new or is deleted. Only a turn's completion changes an
/// instance's history, and a turn holds the instance's lease, so an entry (keyed by execution) is
/// what the store holds. At most <paramref name="capacity"/> instances; the oldest entry makes room.
/// </summary>
internal sealed class SqliteHistoryCache(int capacity)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (string ExecutionId, IReadOnlyList<HistoryEvent> Events)> _entries = new(StringComparer.Ordinal);

    /// <summary>The cached history of the instance's execution <paramref name="executionId"/>, or null.</summary>
    public IReadOnlyList<HistoryEvent>? Get(string instanceId, string executionId)
    {
        lock (_gate)
        {
            return _entries.TryGetValue(instanceId, out var entry) && entry.ExecutionId == executionId ? entry.Events : null;
        }
    }

    /// <summary>Caches <paramref name="events"/> (never changed afterwards) as the execution's whole history.</summary>
    public void Set(string instanceId, string executionId, IReadOnlyList<HistoryEvent> events)
    {
        if (capacity == 0)
            return;
        lock (_gate)
        {
            if (_entries.Count >= capacity && !_entries.ContainsKey(instanceId))
                _entries.Remove(_entries.Keys.First());
            _entries[instanceId] = (executionId, events);
        }
    }

    public void Remove(string instanceId)
    {
        lock (_gate)
        {
            _entries.Remove(instanceId);
        }
    }
}
