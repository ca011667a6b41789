using AgentMesh.TaskHub.Backend;
using AgentMesh.TaskHub.Protocol;
using Google.Protobuf.WellKnownTypes;
using AgentMesh.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using static AgentMesh.TaskHub.Sqlite.SqliteInstanceRows;

namespace AgentMesh.TaskHub.Sqlite;

/// <summary>
/// The embedded task hub: one SQLite file (WAL, synchronous=FULL). Every operation that writes goes
/// through a <see cref="SqliteGroupCommit{TSession}"/>, which runs them in order, those waiting together in one
/// IMMEDIATE transaction, and acknowledges each only once its transaction has committed, so every
/// acknowledged write is durable. Reads, and taking work items (a lease in memory, <see cref="WorkItemLeases"/>,
/// writes nothing), use a <see cref="SqliteReadConnection"/>, which sees committed (durable) data only.
/// </summary>
internal sealed class SqliteTaskHubBackend : ITaskHubBackend
{
    private readonly string _databasePath;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _lockTimeout;
    private readonly SqliteGroupCommit<SqliteSession> _queue;
    private readonly SqliteReadConnection _reads;
    private readonly WorkItemLeases _leases = new();
    private readonly SqliteHistoryCache _history;
    private readonly ILogger _logger;

    /// <param name="databasePath">The SQLite file.</param>
    /// <param name="timeProvider">The hub's clock.</param>
    /// <param name="lockTimeout">How long a turn stays leased to a worker that neither completes nor drops it.</param>
    /// <param name="cachedHistories">Instances whose history is kept in memory between turns (<see cref="TaskHubOptions.CachedHistories"/>).</param>
    /// <param name="logger">Where an instance failed for a corrupt stored history is reported.</param>
    public SqliteTaskHubBackend(string databasePath, TimeProvider timeProvider, TimeSpan lockTimeout, int cachedHistories, ILogger logger)
    {
        _logger = logger;
        _history = new SqliteHistoryCache(cachedHistories);
        _databasePath = databasePath;
        _timeProvider = timeProvider;
        _lockTimeout = lockTimeout;
        _queue = new SqliteGroupCommit<SqliteSession>("AgentMesh.TaskHub store", Open, connection => new SqliteSession(new SqliteStatementCache(connection), _history),
            new GroupCommitObserver<SqliteSession>
            {
                OperationRan = (operation, time) =>
                {
                    TaskHubMetrics.Operations.Add(1, new KeyValuePair<string, object?>("operation", operation));
                    TaskHubMetrics.OperationDuration.Record(time.TotalMilliseconds, new KeyValuePair<string, object?>("operation", operation));
                },
                BatchCommitted = (operations, time) =>
                {
                    TaskHubMetrics.CommitDuration.Record(time.TotalMilliseconds);
                    TaskHubMetrics.BatchSize.Record(operations);
                },
                Committed = Committed,
            });
        _reads = new SqliteReadConnection(databasePath, () => InitializeAsync(), _history);
    }

    public event Action? WorkAvailable;

    public event Action<IReadOnlyCollection<string>>? InstancesChanged;

    public Task InitializeAsync(CancellationToken cancellationToken = default) =>
        _queue.RunAsync("Initialize", _ => true, cancellationToken);

    public Task CreateInstanceAsync(HistoryEvent executionStarted, DateTimeOffset startAt, CancellationToken cancellationToken = default) =>
        _queue.RunAsync("CreateInstance", s =>
        {
            var instanceId = executionStarted.ExecutionStarted.WorkflowInstance.InstanceId;
            if (Status(s, instanceId) is { } status)
            {
                if (!status.IsTerminal())
                    throw new InstanceExistsException(
                        $"A workflow instance with id '{instanceId}' already exists and is {status.Describe()}; " +
                        "terminate it or wait for it to finish (or use another instance id).");
                DeleteInstance(s, instanceId);
            }
            InsertInstance(s, executionStarted, startAt, NowMs());
            return true;
        }, cancellationToken);

    public Task<bool> AddEventAsync(string instanceId, HistoryEvent historyEvent, CancellationToken cancellationToken = default) =>
        _queue.RunAsync("AddEvent", s => InsertInboxIfLive(s, instanceId, null, historyEvent, NowMs()) == 1, cancellationToken);

    public Task<WorkflowState?> GetInstanceAsync(string instanceId, bool includePayloads, CancellationToken cancellationToken = default) =>
        _reads.ReadAsync("GetInstance", s => SqliteInstanceState.Read(s, instanceId, includePayloads), cancellationToken);

    public Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken = default) =>
        _reads.ReadAsync("GetHistory", s => (IReadOnlyList<HistoryEvent>)ReadHistory(s, instanceId), cancellationToken);

    public Task<int> PurgeInstanceAsync(string instanceId, bool recursive, CancellationToken cancellationToken = default) =>
        _queue.RunAsync("PurgeInstance", s =>
        {
            var targets = recursive ? Subtree(s, instanceId) : [instanceId];
            var statuses = targets.Select(id => (Id: id, Status: Status(s, id))).ToList();
            if (statuses[0].Status is null)
                return 0;
            if (statuses.FirstOrDefault(t => t.Status is { } status && !status.IsTerminal()) is { Id: not null } live)
                throw new InvalidOperationException($"Workflow instance '{live.Id}' is {live.Status!.Value.Describe()}; only finished instances can be purged (terminate it first).");
            foreach (var (id, _) in statuses)
                DeleteInstance(s, id);
            return statuses.Count;
        }, cancellationToken);

    public Task<int> PurgeInstancesAsync(DateTimeOffset? createdFrom, DateTimeOffset? createdTo, IReadOnlyCollection<OrchestrationStatus> statuses, bool recursive, CancellationToken cancellationToken = default) =>
        _queue.RunAsync("PurgeInstances", s =>
        {
            var wanted = statuses.Count == 0 ? SqliteTaskHubSchema.TerminalStatuses : $"({string.Join(", ", statuses.Select(status => (int)status))})";
            var candidates = new List<string>();
            using (var reader = s.Query($"""
                SELECT instance_id FROM instances
                WHERE status IN {SqliteTaskHubSchema.TerminalStatuses} AND status IN {wanted}
                  AND created_at >= $from AND created_at < $to
                ORDER BY instance_id
                """, ("$from", createdFrom?.ToUnixTimeMilliseconds() ?? long.MinValue), ("$to", createdTo?.ToUnixTimeMilliseconds() ?? long.MaxValue)))
            {
                while (reader.Read())
                    candidates.Add(reader.GetString(0));
            }
            var deleted = 0;
            foreach (var id in candidates)
            {
                var targets = recursive ? Subtree(s, id) : [id];
                if (targets.Any(target => Status(s, target) is { } status && !status.IsTerminal()))
                    continue;
                foreach (var target in targets.Where(target => Status(s, target) is not null))
                {
                    DeleteInstance(s, target);
                    deleted++;
                }
            }
            return deleted;
        }, cancellationToken);

    public Task<bool> TerminateAsync(string instanceId, string? output, bool recursive, CancellationToken cancellationToken = default) =>
        _queue.RunAsync("Terminate", s =>
        {
            if (Status(s, instanceId) is null)
                return false;
            Terminate(s, instanceId, output, recursive, NowMs());
            return true;
        }, cancellationToken);

    public Task<bool> RerunFromEventAsync(string sourceInstanceId, int eventId, string newInstanceId, string? input, bool overwriteInput, CancellationToken cancellationToken = default) =>
        _queue.RunAsync("RerunFromEvent", s => SqliteRerun.Rerun(s, sourceInstanceId, eventId, newInstanceId, input, overwriteInput, NowMs()), cancellationToken);

    public Task<(IReadOnlyList<string> Ids, string? ContinuationToken)> ListInstanceIdsAsync(string? after, int pageSize, CancellationToken cancellationToken = default) =>
        _reads.ReadAsync("ListInstanceIds", s =>
        {
            var ids = new List<string>();
            using (var reader = s.Query("SELECT instance_id FROM instances WHERE instance_id > $after ORDER BY instance_id LIMIT $limit",
                ("$after", after ?? ""), ("$limit", pageSize + 1)))
            {
                while (reader.Read())
                    ids.Add(reader.GetString(0));
            }
            var more = ids.Count > pageSize;
            if (more)
                ids.RemoveAt(pageSize);
            return ((IReadOnlyList<string>)ids, more ? ids[^1] : null);
        }, cancellationToken);

    public Task<DateTimeOffset?> GetNextVisibleAtAsync(DateTimeOffset after, CancellationToken cancellationToken = default) =>
        _reads.ReadAsync("GetNextVisibleAt", s => s.Scalar("SELECT MIN(visible_at) FROM inbox WHERE visible_at > $after", ("$after", after.ToUnixTimeMilliseconds())) is long ms
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : (DateTimeOffset?)null, cancellationToken);

    public async Task<IReadOnlyList<OrchestrationWorkItem>> GetOrchestrationWorkItemsAsync(int max, CancellationToken cancellationToken = default)
    {
        var corrupt = new List<(string InstanceId, string Reason)>();
        var workItems = await _reads.ReadAsync("GetOrchestrationWorkItems",
            s => (IReadOnlyList<OrchestrationWorkItem>)SqliteWorkItems.TakeOrchestrations(s, _leases, max, NowMs(), _lockTimeout, corrupt), cancellationToken).ConfigureAwait(false);
        foreach (var (instanceId, reason) in corrupt)
        {
            // An instance whose stored events cannot be read fails alone, saying why; the others go on.
            if (await _queue.RunAsync("FailCorruptInstance", s => FailCorrupt(s, instanceId, reason, NowMs()), cancellationToken).ConfigureAwait(false))
                TaskHubLog.CorruptInstance(_logger, instanceId, reason);
        }

        return workItems;
    }

    public async Task CompleteOrchestrationWorkItemAsync(OrchestrationWorkItem workItem, OrchestrationEpisode episode, CancellationToken cancellationToken = default)
    {
        try
        {
            await _queue.RunAsync("CompleteOrchestrationWorkItem", s =>
            {
                if (!_leases.BeginCompletion(workItem.InstanceId, workItem.LockToken))
                    throw new InvalidOperationException($"Workflow instance '{workItem.InstanceId}' is no longer locked by this worker.");
                // Terminated while this turn was in flight (a Pending instance ends at once): an ended instance is never reopened.
                if (SqliteInstanceRows.Status(s, workItem.InstanceId) is not { } current || current.IsTerminal())
                    throw new InvalidOperationException($"Workflow instance '{workItem.InstanceId}' ended while its turn was in flight; the turn's answer is dropped.");
                SqliteWorkItems.CompleteOrchestration(s, workItem, episode, NowMs(), _timeProvider.GetUtcNow());
                return true;
            }, cancellationToken).ConfigureAwait(false);
            // Committed: the next turn (the lease is still held) starts from this history.
            if (episode.ContinueAsNewEvents is null && !episode.Status.IsTerminal())
                _history.Set(workItem.InstanceId, workItem.ExecutionId, [.. workItem.PastEvents, .. episode.NewHistory]);
            else
                _history.Remove(workItem.InstanceId);
        }
        catch
        {
            _history.Remove(workItem.InstanceId);
            throw;
        }
        finally
        {
            // After the commit (or its failure: then the turn runs again), so a worker taking the
            // instance next reads what this turn wrote; events that came in meanwhile make it ready again.
            _leases.ReleaseInstance(workItem.InstanceId, workItem.LockToken);
            WorkAvailable?.Invoke();
        }
    }

    public Task AbandonOrchestrationWorkItemAsync(OrchestrationWorkItem workItem, CancellationToken cancellationToken = default)
    {
        _leases.ReleaseInstance(workItem.InstanceId, workItem.LockToken);
        WorkAvailable?.Invoke();
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ActivityWorkItem>> GetActivityWorkItemsAsync(int max, CancellationToken cancellationToken = default) =>
        _reads.ReadAsync("GetActivityWorkItems", s => (IReadOnlyList<ActivityWorkItem>)SqliteWorkItems.TakeActivities(s, _leases, max), cancellationToken);

    public async Task CompleteActivityWorkItemAsync(ActivityWorkItem workItem, HistoryEvent result, CancellationToken cancellationToken = default)
    {
        try
        {
            await _queue.RunAsync("CompleteActivityWorkItem", s =>
            {
                if (!_leases.HoldsActivity(workItem.Id, workItem.LockToken))
                    throw new InvalidOperationException($"Activity work item {workItem.Id} of instance '{workItem.InstanceId}' is no longer locked by this worker.");
                SqliteWorkItems.CompleteActivity(s, workItem, result, NowMs());
                return true;
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _leases.ReleaseActivity(workItem.Id, workItem.LockToken);
        }
    }

    public Task AbandonActivityWorkItemAsync(ActivityWorkItem workItem, CancellationToken cancellationToken = default)
    {
        _leases.ReleaseActivity(workItem.Id, workItem.LockToken);
        WorkAvailable?.Invoke();
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        _reads.Dispose();
        _queue.Dispose();
        return ValueTask.CompletedTask;
    }

    // Opens the file on first use: schema, durability pragmas, and release of a previous engine's locks.
    private SqliteConnection Open()
    {
        SQLitePCL.Batteries_V2.Init();
        var directory = Path.GetDirectoryName(Path.GetFullPath(_databasePath));
        if (!string.IsNullOrEmpty(directory))
            Directory.CreateDirectory(directory);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _databasePath, Pooling = false }.ToString());
        try
        {
            connection.Open();
            SqliteTaskHubSchema.Apply(connection, _databasePath);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private void Committed(SqliteSession session)
    {
        if (session.ChangedInstances.Count > 0)
            InstancesChanged?.Invoke(session.ChangedInstances);
        if (session.WorkAdded)
            WorkAvailable?.Invoke();
    }

    private long NowMs() => _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
}
