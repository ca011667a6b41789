using AgentMesh.TaskHub.Backend;
using AgentMesh.TaskHub.Protocol;
using Google.Protobuf.WellKnownTypes;

namespace AgentMesh.TaskHub.Sqlite;

/// <summary>The statements on an instance's rows (instances, inbox, history, activities) that several operations share.</summary>
internal static class SqliteInstanceRows
{
    /// <summary>The instance's status, or null when it does not exist.</summary>
    public static OrchestrationStatus? Status(SqliteSession s, string instanceId) =>
        s.Scalar("SELECT status FROM instances WHERE instance_id = $id", ("$id", instanceId)) is long status ? (OrchestrationStatus)status : null;

    /// <summary>Creates an instance, Pending, whose first inbox event is <paramref name="executionStarted"/>, visible at <paramref name="startAt"/> (not before <paramref name="now"/>).</summary>
    public static void InsertInstance(SqliteSession s, HistoryEvent executionStarted, DateTimeOffset startAt, long now)
    {
        var started = executionStarted.ExecutionStarted;
        s.Execute("""
            INSERT INTO instances (instance_id, execution_id, name, status, input, parent_instance_id, created_at, last_updated_at, scheduled_start_at)
            VALUES ($id, $exec, $name, $status, $input, $parent, $now, $now, $start)
            """,
            ("$id", started.WorkflowInstance.InstanceId), ("$exec", started.WorkflowInstance.ExecutionId ?? Guid.NewGuid().ToString("N")),
            ("$name", started.Name), ("$status", (int)OrchestrationStatus.Pending), ("$input", started.Input),
            ("$parent", started.ParentInstance?.WorkflowInstance?.InstanceId), ("$now", now),
            ("$start", started.ScheduledStartTimestamp?.ToDateTimeOffset().ToUnixTimeMilliseconds()));
        InsertInbox(s, started.WorkflowInstance.InstanceId, null, executionStarted, Math.Max(now, VisibleAt(startAt)), isStart: true);
        s.Changed(started.WorkflowInstance.InstanceId);
    }

    /// <summary>
    /// The inbox time (Unix ms) of an event due at <paramref name="due"/>, rounded up: rows become visible
    /// when the clock's Unix ms reaches it, so a timer never fires (and the turn's WorkflowStarted, the
    /// workflow's clock, never reads) earlier than its fireAt, not even by the sub-millisecond rest.
    /// </summary>
    public static long VisibleAt(DateTimeOffset due)
    {
        var ticks = due.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return ticks / TimeSpan.TicksPerMillisecond + (ticks % TimeSpan.TicksPerMillisecond > 0 ? 1 : 0);
    }

    /// <summary>
    /// Ends an instance whose stored history or inbox cannot be parsed as FAILED (CorruptHistory), saying
    /// why, so it is never dispatched again; false when it has ended meanwhile.
    /// </summary>
    public static bool FailCorrupt(SqliteSession s, string instanceId, string reason, long now)
    {
        if (Status(s, instanceId) is not { } status || status.IsTerminal())
            return false;
        var failure = new TaskFailureDetails
        {
            ErrorType = "CorruptHistory",
            ErrorMessage = $"The stored history or inbox of workflow instance '{instanceId}' cannot be read ({reason}); the instance cannot be replayed and has failed.",
            IsNonRetriable = true,
        };
        s.Execute("UPDATE instances SET status = $status, failure_details = $failure, last_updated_at = $now, completed_at = $now WHERE instance_id = $id",
            ("$status", (int)OrchestrationStatus.Failed), ("$failure", failure), ("$now", now), ("$id", instanceId));
        s.Execute("DELETE FROM inbox WHERE instance_id = $id", ("$id", instanceId));
        s.Execute("DELETE FROM activities WHERE instance_id = $id", ("$id", instanceId));
        s.History.Remove(instanceId);
        s.Changed(instanceId);
        return true;
    }

    public static void InsertInbox(SqliteSession s, string instanceId, string? executionId, HistoryEvent e, long visibleAt, bool isStart)
    {
        s.Execute("INSERT INTO inbox (instance_id, execution_id, is_start, kind, visible_at, event) VALUES ($id, $exec, $start, $kind, $visible, $event)",
            ("$id", instanceId), ("$exec", executionId), ("$start", isStart ? 1 : 0), ("$kind", e.EventTypeCase.ToString()), ("$visible", visibleAt), ("$event", e));
        s.AddedWork();
    }

    /// <summary>Adds the event to the inbox of a live instance (of execution <paramref name="executionId"/> when given); returns 1 when added, 0 when the instance is missing or finished.</summary>
    public static int InsertInboxIfLive(SqliteSession s, string instanceId, string? executionId, HistoryEvent e, long visibleAt)
    {
        var added = s.Execute($"""
            INSERT INTO inbox (instance_id, execution_id, kind, visible_at, event)
            SELECT $id, $exec, $kind, $visible, $event FROM instances
            WHERE instance_id = $id AND ($exec IS NULL OR execution_id = $exec) AND status NOT IN {SqliteTaskHubSchema.TerminalStatuses}
            """, ("$id", instanceId), ("$exec", executionId), ("$kind", e.EventTypeCase.ToString()), ("$visible", visibleAt), ("$event", e));
        if (added > 0)
            s.AddedWork();
        return added;
    }

    public static void DeleteInstance(SqliteSession s, string instanceId)
    {
        s.Execute("DELETE FROM history WHERE instance_id = $id", ("$id", instanceId));
        s.Execute("DELETE FROM inbox WHERE instance_id = $id", ("$id", instanceId));
        s.Execute("DELETE FROM activities WHERE instance_id = $id", ("$id", instanceId));
        s.Execute("DELETE FROM instances WHERE instance_id = $id", ("$id", instanceId));
        s.History.Remove(instanceId);
        s.Changed(instanceId);
    }

    /// <summary>Ends an instance that never started at once; gives a started one an ExecutionTerminated event; with <paramref name="recursive"/>, its live children too.</summary>
    public static void Terminate(SqliteSession s, string instanceId, string? output, bool recursive, long now)
    {
        foreach (var id in recursive ? Subtree(s, instanceId) : [instanceId])
        {
            if (Status(s, id) is not { } status || status.IsTerminal())
                continue;
            if (status == OrchestrationStatus.Pending)
            {
                // Never started: it ends here, with no turn to run.
                s.Execute("UPDATE instances SET status = $status, output = $output, last_updated_at = $now, completed_at = $now WHERE instance_id = $id",
                    ("$status", (int)OrchestrationStatus.Terminated), ("$output", output), ("$now", now), ("$id", id));
                s.Execute("DELETE FROM inbox WHERE instance_id = $id", ("$id", id));
                s.Changed(id);
                continue;
            }
            var terminated = new HistoryEvent
            {
                EventId = -1, Timestamp = Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(now)),
                ExecutionTerminated = new ExecutionTerminatedEvent { Input = output, Recurse = recursive },
            };
            InsertInbox(s, id, null, terminated, now, isStart: false);
        }
    }

    /// <summary>The instance and its descendants (children by parent_instance_id), parents first.</summary>
    public static List<string> Subtree(SqliteSession s, string instanceId)
    {
        var ids = new List<string> { instanceId };
        for (var i = 0; i < ids.Count; i++)
        {
            using var reader = s.Query("SELECT instance_id FROM instances WHERE parent_instance_id = $id ORDER BY instance_id", ("$id", ids[i]));
            while (reader.Read())
                ids.Add(reader.GetString(0));
        }
        return ids;
    }

    /// <summary>The current execution's history in order.</summary>
    public static List<HistoryEvent> ReadHistory(SqliteSession s, string instanceId)
    {
        var history = new List<HistoryEvent>();
        using var reader = s.Query("SELECT event FROM history WHERE instance_id = $id ORDER BY sequence", ("$id", instanceId));
        while (reader.Read())
            history.Add(HistoryEvent.Parser.ParseFrom((byte[])reader.GetValue(0)));
        return history;
    }
}
