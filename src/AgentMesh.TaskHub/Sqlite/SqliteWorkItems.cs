using AgentMesh.TaskHub.Backend;
using AgentMesh.TaskHub.Protocol;
using static AgentMesh.TaskHub.Sqlite.SqliteInstanceRows;

namespace AgentMesh.TaskHub.Sqlite;

/// <summary>Taking and completing work items: workflow turns (locked instances) and activities.</summary>
internal static class SqliteWorkItems
{
    // Driven from the inbox (only undelivered events live there), oldest event first; CROSS JOIN keeps
    // SQLite from scanning every instance instead.
    private static readonly string ReadyInstances = $"""
        SELECT i.instance_id, i.execution_id, i.status FROM inbox m CROSS JOIN instances i ON i.instance_id = m.instance_id
        WHERE m.visible_at <= $now
          AND i.status NOT IN {SqliteTaskHubSchema.TerminalStatuses}
          AND (i.locked_by IS NULL OR i.lock_expires_at < $now)
          AND (i.status <> {(int)OrchestrationStatus.Pending}
               OR EXISTS (SELECT 1 FROM inbox s WHERE s.instance_id = i.instance_id AND s.is_start = 1 AND s.visible_at <= $now))
          AND (i.status <> {(int)OrchestrationStatus.Suspended}
               OR EXISTS (SELECT 1 FROM inbox r WHERE r.instance_id = i.instance_id AND r.kind IN {SqliteTaskHubSchema.ReleasingKinds}))
        GROUP BY i.instance_id
        ORDER BY MIN(m.id)
        LIMIT $limit
        """;

    /// <summary>Locks up to <paramref name="max"/> instances with deliverable inbox events (oldest event first) for <paramref name="lockTimeout"/>.</summary>
    public static List<OrchestrationWorkItem> LockOrchestrations(SqliteSession s, int max, long now, TimeSpan lockTimeout)
    {
        var ready = new List<(string Id, string ExecutionId, OrchestrationStatus Status)>();
        using (var reader = s.Query(ReadyInstances, ("$now", now), ("$limit", max)))
        {
            while (reader.Read())
                ready.Add((reader.GetString(0), reader.GetString(1), (OrchestrationStatus)reader.GetInt64(2)));
        }

        var workItems = new List<OrchestrationWorkItem>(ready.Count);
        foreach (var (instanceId, executionId, status) in ready)
        {
            var token = Guid.NewGuid().ToString("N");
            s.Execute("UPDATE instances SET locked_by = $token, lock_expires_at = $expires WHERE instance_id = $id",
                ("$token", token), ("$expires", now + (long)lockTimeout.TotalMilliseconds), ("$id", instanceId));
            // Results addressed to an execution that continued as new are stale.
            s.Execute("DELETE FROM inbox WHERE instance_id = $id AND execution_id IS NOT NULL AND execution_id <> $exec",
                ("$id", instanceId), ("$exec", executionId));
            var newEvents = new List<InboxMessage>();
            using (var reader = s.Query("SELECT id, event FROM inbox WHERE instance_id = $id AND visible_at <= $now ORDER BY is_start DESC, id",
                ("$id", instanceId), ("$now", now)))
            {
                while (reader.Read())
                    newEvents.Add(new InboxMessage(reader.GetInt64(0), HistoryEvent.Parser.ParseFrom((byte[])reader.GetValue(1))));
            }
            workItems.Add(new OrchestrationWorkItem(instanceId, executionId, status, token, ReadHistory(s, instanceId), newEvents));
        }
        return workItems;
    }

    /// <summary>Commits an episode: history, consumed inbox events, new work, status; releases the lock.</summary>
    public static void CompleteOrchestration(SqliteSession s, OrchestrationWorkItem workItem, OrchestrationEpisode episode, long now, DateTimeOffset clock)
    {
        var id = workItem.InstanceId;
        if (s.Scalar("SELECT locked_by FROM instances WHERE instance_id = $id", ("$id", id)) as string != workItem.LockToken)
            throw new InvalidOperationException($"Workflow instance '{id}' is no longer locked by this worker.");
        foreach (var message in workItem.NewEvents)
            s.Execute("DELETE FROM inbox WHERE id = $m", ("$m", message.Id));

        var executionId = workItem.ExecutionId;
        if (episode.ContinueAsNewEvents is { } restart)
        {
            s.Execute("DELETE FROM history WHERE instance_id = $id", ("$id", id));
            s.Execute("DELETE FROM inbox WHERE instance_id = $id AND execution_id IS NOT NULL", ("$id", id));
            s.Execute("DELETE FROM activities WHERE instance_id = $id", ("$id", id));
            executionId = episode.NewExecutionId!;
            for (var i = 0; i < restart.Count; i++)
                InsertInbox(s, id, null, restart[i], now, isStart: i == 0);
        }
        else
        {
            var sequence = (long)s.Scalar("SELECT COALESCE(MAX(sequence), -1) + 1 FROM history WHERE instance_id = $id", ("$id", id))!;
            foreach (var e in episode.NewHistory)
                s.Execute("INSERT INTO history (instance_id, sequence, event_type, event) VALUES ($id, $seq, $type, $event)",
                    ("$id", id), ("$seq", sequence++), ("$type", e.EventTypeCase.ToString()), ("$event", e));
            foreach (var task in episode.NewActivities)
            {
                s.Execute("INSERT INTO activities (instance_id, execution_id, task_id, event) VALUES ($id, $exec, $task, $event)",
                    ("$id", id), ("$exec", executionId), ("$task", task.EventId), ("$event", task));
                s.AddedWork();
            }
            foreach (var timer in episode.NewTimers)
                InsertInbox(s, id, executionId, timer, timer.TimerFired.FireAt.ToDateTimeOffset().ToUnixTimeMilliseconds(), isStart: false);
        }

        foreach (var child in episode.NewChildInstances)
        {
            var childId = child.ExecutionStarted.WorkflowInstance.InstanceId;
            if (Status(s, childId) is { } childStatus)
            {
                if (!childStatus.IsTerminal())
                    continue;
                DeleteInstance(s, childId);
            }
            InsertInstance(s, child, clock, now);
        }
        foreach (var (target, targetExecution, e) in episode.OutgoingEvents)
            InsertInboxIfLive(s, target, targetExecution, e, now);
        foreach (var termination in episode.Terminations)
            Terminate(s, termination.InstanceId, termination.Reason, termination.Recurse, now);

        var terminal = episode.Status.IsTerminal();
        s.Execute("""
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
            s.Execute("DELETE FROM inbox WHERE instance_id = $id", ("$id", id));
            s.Execute("DELETE FROM activities WHERE instance_id = $id", ("$id", id));
        }
        s.Changed(id);
        // Events that arrived while the turn ran wait in the inbox: the unlocked instance is ready again.
        s.AddedWork();
    }

    /// <summary>Locks up to <paramref name="max"/> activities (oldest first), each with a new token.</summary>
    public static List<ActivityWorkItem> LockActivities(SqliteSession s, int max)
    {
        var items = new List<ActivityWorkItem>();
        using (var reader = s.Query("SELECT id, instance_id, execution_id, event FROM activities WHERE locked_by IS NULL ORDER BY id LIMIT $limit", ("$limit", max)))
        {
            while (reader.Read())
                items.Add(new ActivityWorkItem(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), Guid.NewGuid().ToString("N"),
                    HistoryEvent.Parser.ParseFrom((byte[])reader.GetValue(3))));
        }
        // An activity (e.g. an agent step) may run for a long time: its lock lasts until it completes,
        // is abandoned, or the engine restarts (opening the store releases every lock), never by expiry.
        foreach (var item in items)
            s.Execute("UPDATE activities SET locked_by = $token WHERE id = $a", ("$token", item.LockToken), ("$a", item.Id));
        return items;
    }

    /// <summary>Deletes the activity and delivers its result to the instance inbox.</summary>
    public static void CompleteActivity(SqliteSession s, ActivityWorkItem workItem, HistoryEvent result, long now)
    {
        if (s.Execute("DELETE FROM activities WHERE id = $a AND locked_by = $token", ("$a", workItem.Id), ("$token", workItem.LockToken)) == 0)
            throw new InvalidOperationException($"Activity work item {workItem.Id} of instance '{workItem.InstanceId}' is no longer locked by this worker.");
        InsertInboxIfLive(s, workItem.InstanceId, workItem.ExecutionId, result, now);
    }
}
