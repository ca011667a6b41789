using AgentMesh.TaskHub.Protocol;
using AgentMesh.TaskHub.Backend;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using static AgentMesh.TaskHub.Sqlite.SqliteStatements;

namespace AgentMesh.TaskHub.Sqlite;

/// <summary>
/// The embedded task hub: one SQLite file (WAL, synchronous=FULL, so every acknowledged write is
/// durable), one connection, operations serialized in-process, each an IMMEDIATE transaction.
/// </summary>
internal sealed class SqliteTaskHubBackend(string databasePath, TimeProvider timeProvider, TimeSpan lockTimeout, ILogger logger) : ITaskHubBackend
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private SqliteConnection? _connection;
    private bool _disposed;

    public event Action? WorkAvailable;

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Open();
        }
        finally
        {
            _gate.Release();
        }
    }

    // Opens the file on first use: schema, durability pragmas, and release of a previous engine's locks.
    private SqliteConnection Open()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_connection is not null)
            return _connection;
        SQLitePCL.Batteries_V2.Init();
        var directory = Path.GetDirectoryName(Path.GetFullPath(databasePath));
        if (!string.IsNullOrEmpty(directory))
            Directory.CreateDirectory(directory);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString());
        connection.Open();
        Execute(connection, null, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000;");
        using (var tx = connection.BeginTransaction(deferred: false))
        {
            Execute(connection, tx, SqliteTaskHubSchema.Create);
            if (Scalar(connection, tx, "SELECT COUNT(*) FROM pragma_table_info('inbox') WHERE name = 'kind'") is 0L)
                throw new InvalidOperationException(
                    $"The task hub file '{databasePath}' was written by an earlier AgentMesh whose workflow engine is gone; delete it (its runs cannot be resumed) and start again.");
            Execute(connection, tx, "UPDATE instances SET locked_by = NULL, lock_expires_at = NULL WHERE locked_by IS NOT NULL");
            Execute(connection, tx, "UPDATE activities SET locked_by = NULL, lock_expires_at = NULL WHERE locked_by IS NOT NULL");
            tx.Commit();
        }
        return _connection = connection;
    }

    public Task CreateInstanceAsync(HistoryEvent executionStarted, DateTimeOffset startAt, CancellationToken cancellationToken = default) =>
        InTransactionAsync((c, tx) =>
        {
            var started = executionStarted.ExecutionStarted;
            var instanceId = started.WorkflowInstance.InstanceId;
            if (Scalar(c, tx, "SELECT status FROM instances WHERE instance_id = $id", ("$id", instanceId)) is long status)
            {
                if (!((OrchestrationStatus)status).IsTerminal())
                    throw new InstanceExistsException(
                        $"A workflow instance with id '{instanceId}' already exists and is {((OrchestrationStatus)status).Describe()}; " +
                        "terminate it or wait for it to finish (or use another instance id).");
                DeleteInstance(c, tx, instanceId);
            }
            InsertInstance(c, tx, executionStarted, startAt);
            return true;
        }, signal: true, cancellationToken);

    public Task<bool> AddEventAsync(string instanceId, HistoryEvent historyEvent, CancellationToken cancellationToken = default) =>
        InTransactionAsync((c, tx) => InsertInboxIfLive(c, tx, instanceId, null, historyEvent, NowMs()) == 1, signal: true, cancellationToken);

    public Task<WorkflowState?> GetInstanceAsync(string instanceId, bool includePayloads, CancellationToken cancellationToken = default) =>
        InTransactionAsync((c, tx) =>
        {
            using var command = Command(c, tx, """
                SELECT instance_id, execution_id, name, status, input, output, custom_status, failure_details, parent_instance_id,
                       created_at, last_updated_at, completed_at, scheduled_start_at
                FROM instances WHERE instance_id = $id
                """, ("$id", instanceId));
            using var reader = command.ExecuteReader();
            if (!reader.Read())
                return null;
            var state = new WorkflowState
            {
                InstanceId = reader.GetString(0),
                ExecutionId = reader.GetString(1),
                Name = reader.GetString(2),
                WorkflowStatus = (OrchestrationStatus)reader.GetInt64(3),
                ParentInstanceId = reader.NullableString(8),
                CreatedTimestamp = ToTimestamp(reader.GetInt64(9)),
                LastUpdatedTimestamp = ToTimestamp(reader.GetInt64(10)),
                CompletedTimestamp = ToTimestamp(reader.NullableInt64(11)),
                ScheduledStartTimestamp = ToTimestamp(reader.NullableInt64(12)),
            };
            if (reader.NullableBlob(7) is { } failure)
                state.FailureDetails = TaskFailureDetails.Parser.ParseFrom(failure);
            if (includePayloads)
            {
                state.Input = reader.NullableString(4);
                state.Output = reader.NullableString(5);
                state.CustomStatus = reader.NullableString(6);
            }
            return (WorkflowState?)state;
        }, signal: false, cancellationToken);

    public Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken = default) =>
        InTransactionAsync((c, tx) => (IReadOnlyList<HistoryEvent>)ReadHistory(c, tx, instanceId), signal: false, cancellationToken);

    public Task<int> PurgeInstanceAsync(string instanceId, bool recursive, CancellationToken cancellationToken = default) =>
        InTransactionAsync((c, tx) =>
        {
            var targets = recursive ? Subtree(c, tx, instanceId) : [instanceId];
            var statuses = targets.Select(id => (id, Status: Scalar(c, tx, "SELECT status FROM instances WHERE instance_id = $id", ("$id", id)))).ToList();
            if (statuses[0].Status is null)
                return 0;
            if (statuses.FirstOrDefault(s => s.Status is long status && !((OrchestrationStatus)status).IsTerminal()) is { id: not null } live)
                throw new InvalidOperationException($"Workflow instance '{live.id}' is {((OrchestrationStatus)(long)live.Status!).Describe()}; only finished instances can be purged (terminate it first).");
            foreach (var (id, _) in statuses)
                DeleteInstance(c, tx, id);
            return statuses.Count;
        }, signal: false, cancellationToken);

    public Task<bool> TerminateAsync(string instanceId, string? output, bool recursive, CancellationToken cancellationToken = default) =>
        InTransactionAsync((c, tx) =>
        {
            if (Scalar(c, tx, "SELECT status FROM instances WHERE instance_id = $id", ("$id", instanceId)) is null)
                return false;
            Terminate(c, tx, instanceId, output, recursive);
            return true;
        }, signal: true, cancellationToken);

    public Task<(IReadOnlyList<string> Ids, string? ContinuationToken)> ListInstanceIdsAsync(string? after, int pageSize, CancellationToken cancellationToken = default) =>
        InTransactionAsync((c, tx) =>
        {
            var ids = new List<string>();
            using (var command = Command(c, tx, "SELECT instance_id FROM instances WHERE instance_id > $after ORDER BY instance_id LIMIT $limit",
                ("$after", after ?? ""), ("$limit", pageSize + 1)))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                    ids.Add(reader.GetString(0));
            }
            var more = ids.Count > pageSize;
            if (more)
                ids.RemoveAt(pageSize);
            return ((IReadOnlyList<string>)ids, more ? ids[^1] : null);
        }, signal: false, cancellationToken);

    public Task<DateTimeOffset?> GetNextVisibleAtAsync(CancellationToken cancellationToken = default) =>
        InTransactionAsync((c, tx) => Scalar(c, tx, "SELECT MIN(visible_at) FROM inbox WHERE visible_at > $now", ("$now", NowMs())) is long ms
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : (DateTimeOffset?)null, signal: false, cancellationToken);

    public Task<OrchestrationWorkItem?> GetOrchestrationWorkItemAsync(CancellationToken cancellationToken = default) =>
        InTransactionAsync((c, tx) =>
        {
            // An instance whose stored events cannot be read fails alone; the search goes on with the next one.
            while (true)
            {
                var workItem = TryLockNextInstance(c, tx, out var corrupt);
                if (corrupt is null)
                    return workItem;
                FailCorruptInstance(c, tx, corrupt.Value.InstanceId, corrupt.Value.Error);
            }
        }, signal: false, cancellationToken);

    private OrchestrationWorkItem? TryLockNextInstance(SqliteConnection c, SqliteTransaction tx, out (string InstanceId, InvalidProtocolBufferException Error)? corrupt)
    {
        corrupt = null;
        var now = NowMs();
        string instanceId, executionId;
        OrchestrationStatus status;
        using (var command = Command(c, tx, $"""
            SELECT i.instance_id, i.execution_id, i.status FROM instances i
            WHERE i.status NOT IN {SqliteTaskHubSchema.TerminalStatuses}
              AND (i.locked_by IS NULL OR i.lock_expires_at < $now)
              AND EXISTS (SELECT 1 FROM inbox m WHERE m.instance_id = i.instance_id AND m.visible_at <= $now)
              AND (i.status <> {(int)OrchestrationStatus.Pending}
                   OR EXISTS (SELECT 1 FROM inbox s WHERE s.instance_id = i.instance_id AND s.is_start = 1 AND s.visible_at <= $now))
              AND (i.status <> {(int)OrchestrationStatus.Suspended}
                   OR EXISTS (SELECT 1 FROM inbox r WHERE r.instance_id = i.instance_id AND r.kind IN {SqliteTaskHubSchema.ReleasingKinds}))
            ORDER BY (SELECT MIN(m.id) FROM inbox m WHERE m.instance_id = i.instance_id AND m.visible_at <= $now)
            LIMIT 1
            """, ("$now", now)))
        using (var reader = command.ExecuteReader())
        {
            if (!reader.Read())
                return null;
            instanceId = reader.GetString(0);
            executionId = reader.GetString(1);
            status = (OrchestrationStatus)reader.GetInt64(2);
        }
        var token = Guid.NewGuid().ToString("N");
        Execute(c, tx, "UPDATE instances SET locked_by = $token, lock_expires_at = $expires WHERE instance_id = $id",
            ("$token", token), ("$expires", now + (long)lockTimeout.TotalMilliseconds), ("$id", instanceId));
        // Results addressed to an execution that continued as new are stale.
        Execute(c, tx, "DELETE FROM inbox WHERE instance_id = $id AND execution_id IS NOT NULL AND execution_id <> $exec",
            ("$id", instanceId), ("$exec", executionId));
        try
        {
            var newEvents = new List<InboxMessage>();
            using (var command = Command(c, tx, "SELECT id, event FROM inbox WHERE instance_id = $id AND visible_at <= $now ORDER BY is_start DESC, id",
                ("$id", instanceId), ("$now", now)))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                    newEvents.Add(new InboxMessage(reader.GetInt64(0), HistoryEvent.Parser.ParseFrom((byte[])reader.GetValue(1))));
            }
            return new OrchestrationWorkItem(instanceId, executionId, status, token, ReadHistory(c, tx, instanceId), newEvents);
        }
        catch (InvalidProtocolBufferException e)
        {
            corrupt = (instanceId, e);
            return null;
        }
    }

    /// <summary>Ends an instance whose stored history or inbox cannot be parsed as FAILED, saying why, so it is never dispatched again.</summary>
    private void FailCorruptInstance(SqliteConnection c, SqliteTransaction tx, string instanceId, InvalidProtocolBufferException error)
    {
        var failure = new TaskFailureDetails
        {
            ErrorType = "CorruptHistory",
            ErrorMessage = $"The stored history or inbox of workflow instance '{instanceId}' cannot be read ({error.Message}); the instance cannot be replayed and has failed.",
            IsNonRetriable = true,
        };
        var now = NowMs();
        Execute(c, tx, "UPDATE instances SET status = $status, failure_details = $failure, last_updated_at = $now, completed_at = $now, locked_by = NULL, lock_expires_at = NULL WHERE instance_id = $id",
            ("$status", (int)OrchestrationStatus.Failed), ("$failure", failure), ("$now", now), ("$id", instanceId));
        Execute(c, tx, "DELETE FROM inbox WHERE instance_id = $id", ("$id", instanceId));
        Execute(c, tx, "DELETE FROM activities WHERE instance_id = $id", ("$id", instanceId));
        TaskHubLog.CorruptInstance(logger, instanceId, error);
    }


    public Task CompleteOrchestrationWorkItemAsync(OrchestrationWorkItem workItem, OrchestrationEpisode episode, CancellationToken cancellationToken = default) =>
        InTransactionAsync((c, tx) =>
        {
            EnsureLocked(c, tx, workItem);
            var now = NowMs();
            var id = workItem.InstanceId;
            foreach (var message in workItem.NewEvents)
                Execute(c, tx, "DELETE FROM inbox WHERE id = $m", ("$m", message.Id));

            var executionId = workItem.ExecutionId;
            if (episode.ContinueAsNewEvents is { } restart)
            {
                Execute(c, tx, "DELETE FROM history WHERE instance_id = $id", ("$id", id));
                Execute(c, tx, "DELETE FROM inbox WHERE instance_id = $id AND execution_id IS NOT NULL", ("$id", id));
                Execute(c, tx, "DELETE FROM activities WHERE instance_id = $id", ("$id", id));
                executionId = episode.NewExecutionId!;
                for (var i = 0; i < restart.Count; i++)
                    InsertInbox(c, tx, id, null, restart[i], now, isStart: i == 0);
            }
            else
            {
                var sequence = (long)Scalar(c, tx, "SELECT COALESCE(MAX(sequence), -1) + 1 FROM history WHERE instance_id = $id", ("$id", id))!;
                foreach (var e in episode.NewHistory)
                    Execute(c, tx, "INSERT INTO history (instance_id, sequence, event_type, event) VALUES ($id, $seq, $type, $event)",
                        ("$id", id), ("$seq", sequence++), ("$type", e.EventTypeCase.ToString()), ("$event", e));
                foreach (var task in episode.NewActivities)
                    Execute(c, tx, "INSERT INTO activities (instance_id, execution_id, task_id, event) VALUES ($id, $exec, $task, $event)",
                        ("$id", id), ("$exec", executionId), ("$task", task.EventId), ("$event", task));
                foreach (var timer in episode.NewTimers)
                    InsertInbox(c, tx, id, executionId, timer, VisibleAt(timer.TimerFired.FireAt.ToDateTimeOffset()), isStart: false);
            }

            foreach (var child in episode.NewChildInstances)
            {
                var childId = child.ExecutionStarted.WorkflowInstance.InstanceId;
                if (Scalar(c, tx, "SELECT status FROM instances WHERE instance_id = $id", ("$id", childId)) is long childStatus)
                {
                    if (!((OrchestrationStatus)childStatus).IsTerminal())
                        continue;
                    DeleteInstance(c, tx, childId);
                }
                InsertInstance(c, tx, child, timeProvider.GetUtcNow());
            }
            foreach (var (target, targetExecution, e) in episode.OutgoingEvents)
                InsertInboxIfLive(c, tx, target, targetExecution, e, now);
            foreach (var termination in episode.Terminations)
                Terminate(c, tx, termination.InstanceId, termination.Reason, termination.Recurse);

            var terminal = episode.Status.IsTerminal();
            Execute(c, tx, """
                UPDATE instances SET execution_id = $exec, status = $status,
                    name = COALESCE($name, name), input = CASE WHEN $started THEN $input ELSE input END,
                    output = $output, custom_status = $custom, failure_details = $failure,
                    last_updated_at = $now, completed_at = $completed, locked_by = NULL, lock_expires_at = NULL
                WHERE instance_id = $id
                """,
                ("$exec", executionId), ("$status", (int)episode.Status), ("$name", episode.Started?.Name),
                ("$started", episode.Started is not null), ("$input", episode.Started?.Input), ("$output", episode.Output),
                ("$custom", episode.CustomStatus), ("$failure", episode.FailureDetails), ("$now", now),
                ("$completed", terminal ? now : null), ("$id", id));
            if (terminal)
            {
                Execute(c, tx, "DELETE FROM inbox WHERE instance_id = $id", ("$id", id));
                Execute(c, tx, "DELETE FROM activities WHERE instance_id = $id", ("$id", id));
            }
            return true;
        }, signal: true, cancellationToken);

    public Task AbandonOrchestrationWorkItemAsync(OrchestrationWorkItem workItem, CancellationToken cancellationToken = default) =>
        InTransactionAsync((c, tx) => Execute(c, tx,
            "UPDATE instances SET locked_by = NULL, lock_expires_at = NULL WHERE instance_id = $id AND locked_by = $token",
            ("$id", workItem.InstanceId), ("$token", workItem.LockToken)), signal: true, cancellationToken);

    public Task<ActivityWorkItem?> GetActivityWorkItemAsync(CancellationToken cancellationToken = default) =>
        InTransactionAsync((c, tx) =>
        {
            var now = NowMs();
            ActivityWorkItem item;
            var token = Guid.NewGuid().ToString("N");
            using (var command = Command(c, tx, """
                SELECT id, instance_id, execution_id, event FROM activities
                WHERE locked_by IS NULL ORDER BY id LIMIT 1
                """))
            using (var reader = command.ExecuteReader())
            {
                if (!reader.Read())
                    return null;
                item = new ActivityWorkItem(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), token,
                    HistoryEvent.Parser.ParseFrom((byte[])reader.GetValue(3)));
            }
            // An activity (e.g. an agent step) may run for a long time: its lock lasts until it completes,
            // is abandoned, or the engine restarts (Open releases every lock), never by expiry.
            Execute(c, tx, "UPDATE activities SET locked_by = $token WHERE id = $a", ("$token", token), ("$a", item.Id));
            return (ActivityWorkItem?)item;
        }, signal: false, cancellationToken);

    public Task CompleteActivityWorkItemAsync(ActivityWorkItem workItem, HistoryEvent result, CancellationToken cancellationToken = default) =>
        InTransactionAsync((c, tx) =>
        {
            if (Execute(c, tx, "DELETE FROM activities WHERE id = $a AND locked_by = $token", ("$a", workItem.Id), ("$token", workItem.LockToken)) == 0)
                throw new InvalidOperationException($"Activity work item {workItem.Id} of instance '{workItem.InstanceId}' is no longer locked by this worker.");
            InsertInboxIfLive(c, tx, workItem.InstanceId, workItem.ExecutionId, result, NowMs());
            return true;
        }, signal: true, cancellationToken);

    public Task AbandonActivityWorkItemAsync(ActivityWorkItem workItem, CancellationToken cancellationToken = default) =>
        InTransactionAsync((c, tx) => Execute(c, tx,
            "UPDATE activities SET locked_by = NULL, lock_expires_at = NULL WHERE id = $a AND locked_by = $token",
            ("$a", workItem.Id), ("$token", workItem.LockToken)), signal: true, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            _disposed = true;
            if (_connection is not null)
                await _connection.DisposeAsync().ConfigureAwait(false);
            _connection = null;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<T> InTransactionAsync<T>(Func<SqliteConnection, SqliteTransaction, T> work, bool signal, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        T result;
        try
        {
            var connection = Open();
            using var tx = connection.BeginTransaction(deferred: false);
            result = work(connection, tx);
            tx.Commit();
        }
        finally
        {
            _gate.Release();
        }
        if (signal)
            WorkAvailable?.Invoke();
        return result;
    }

    private void InsertInstance(SqliteConnection c, SqliteTransaction tx, HistoryEvent executionStarted, DateTimeOffset startAt)
    {
        var started = executionStarted.ExecutionStarted;
        var now = NowMs();
        Execute(c, tx, """
            INSERT INTO instances (instance_id, execution_id, name, status, input, parent_instance_id, created_at, last_updated_at, scheduled_start_at)
            VALUES ($id, $exec, $name, $status, $input, $parent, $now, $now, $start)
            """,
            ("$id", started.WorkflowInstance.InstanceId), ("$exec", started.WorkflowInstance.ExecutionId ?? Guid.NewGuid().ToString("N")),
            ("$name", started.Name), ("$status", (int)OrchestrationStatus.Pending), ("$input", started.Input),
            ("$parent", started.ParentInstance?.WorkflowInstance?.InstanceId), ("$now", now),
            ("$start", started.ScheduledStartTimestamp?.ToDateTimeOffset().ToUnixTimeMilliseconds()));
        InsertInbox(c, tx, started.WorkflowInstance.InstanceId, null, executionStarted, Math.Max(now, VisibleAt(startAt)), isStart: true);
    }

    private static void InsertInbox(SqliteConnection c, SqliteTransaction tx, string instanceId, string? executionId, HistoryEvent e, long visibleAt, bool isStart) =>
        Execute(c, tx, "INSERT INTO inbox (instance_id, execution_id, is_start, kind, visible_at, event) VALUES ($id, $exec, $start, $kind, $visible, $event)",
            ("$id", instanceId), ("$exec", executionId), ("$start", isStart ? 1 : 0), ("$kind", e.EventTypeCase.ToString()), ("$visible", visibleAt), ("$event", e));

    private static int InsertInboxIfLive(SqliteConnection c, SqliteTransaction tx, string instanceId, string? executionId, HistoryEvent e, long visibleAt) =>
        Execute(c, tx, $"""
            INSERT INTO inbox (instance_id, execution_id, kind, visible_at, event)
            SELECT $id, $exec, $kind, $visible, $event FROM instances
            WHERE instance_id = $id AND ($exec IS NULL OR execution_id = $exec) AND status NOT IN {SqliteTaskHubSchema.TerminalStatuses}
            """, ("$id", instanceId), ("$exec", executionId), ("$kind", e.EventTypeCase.ToString()), ("$visible", visibleAt), ("$event", e));

    private static void DeleteInstance(SqliteConnection c, SqliteTransaction tx, string instanceId)
    {
        foreach (var table in new[] { "history", "inbox", "activities", "instances" })
            Execute(c, tx, $"DELETE FROM {table} WHERE instance_id = $id", ("$id", instanceId));
    }

    /// <summary>Ends an instance that never started at once; gives a started one an ExecutionTerminated event; with <paramref name="recursive"/>, its live children too.</summary>
    private void Terminate(SqliteConnection c, SqliteTransaction tx, string instanceId, string? output, bool recursive)
    {
        var now = NowMs();
        foreach (var id in recursive ? Subtree(c, tx, instanceId) : [instanceId])
        {
            if (Scalar(c, tx, "SELECT status FROM instances WHERE instance_id = $id", ("$id", id)) is not long value || ((OrchestrationStatus)value).IsTerminal())
                continue;
            if ((OrchestrationStatus)value == OrchestrationStatus.Pending)
            {
                // Never started: it ends here, with no turn to run.
                Execute(c, tx, "UPDATE instances SET status = $status, output = $output, last_updated_at = $now, completed_at = $now WHERE instance_id = $id",
                    ("$status", (int)OrchestrationStatus.Terminated), ("$output", output), ("$now", now), ("$id", id));
                Execute(c, tx, "DELETE FROM inbox WHERE instance_id = $id", ("$id", id));
                continue;
            }
            var terminated = new HistoryEvent
            {
                EventId = -1, Timestamp = Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(now)),
                ExecutionTerminated = new ExecutionTerminatedEvent { Input = output, Recurse = recursive },
            };
            InsertInbox(c, tx, id, null, terminated, now, isStart: false);
        }
    }

    /// <summary>The instance and its descendants (children by parent_instance_id), parents first.</summary>
    private static List<string> Subtree(SqliteConnection c, SqliteTransaction tx, string instanceId)
    {
        var ids = new List<string> { instanceId };
        for (var i = 0; i < ids.Count; i++)
        {
            using var command = Command(c, tx, "SELECT instance_id FROM instances WHERE parent_instance_id = $id ORDER BY instance_id", ("$id", ids[i]));
            using var reader = command.ExecuteReader();
            while (reader.Read())
                ids.Add(reader.GetString(0));
        }
        return ids;
    }

    private static List<HistoryEvent> ReadHistory(SqliteConnection c, SqliteTransaction tx, string instanceId)
    {
        var history = new List<HistoryEvent>();
        using var command = Command(c, tx, "SELECT event FROM history WHERE instance_id = $id ORDER BY sequence", ("$id", instanceId));
        using var reader = command.ExecuteReader();
        while (reader.Read())
            history.Add(HistoryEvent.Parser.ParseFrom((byte[])reader.GetValue(0)));
        return history;
    }

    private static void EnsureLocked(SqliteConnection c, SqliteTransaction tx, OrchestrationWorkItem workItem)
    {
        if (Scalar(c, tx, "SELECT locked_by FROM instances WHERE instance_id = $id", ("$id", workItem.InstanceId)) as string != workItem.LockToken)
            throw new InvalidOperationException($"Workflow instance '{workItem.InstanceId}' is no longer locked by this worker.");
    }

    private long NowMs() => timeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// The inbox time (Unix ms) of an event due at <paramref name="due"/>, rounded up: rows become visible
    /// when <see cref="NowMs"/> reaches it, so a timer never fires (and the turn's WorkflowStarted, the
    /// workflow's clock, never reads) earlier than its fireAt, not even by the sub-millisecond rest.
    /// </summary>
    private static long VisibleAt(DateTimeOffset due)
    {
        var ticks = due.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return ticks / TimeSpan.TicksPerMillisecond + (ticks % TimeSpan.TicksPerMillisecond > 0 ? 1 : 0);
    }

    private static Timestamp? ToTimestamp(long? unixMs) =>
        unixMs is { } ms ? Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(ms)) : null;
}
