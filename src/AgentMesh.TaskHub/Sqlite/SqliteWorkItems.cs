using Google.Protobuf;
using AgentMesh.TaskHub.Backend;
using AgentMesh.TaskHub.Protocol;
using static AgentMesh.TaskHub.Sqlite.SqliteInstanceRows;

namespace AgentMesh.TaskHub.Sqlite;

/// <summary>Taking and completing work items: workflow turns (locked instances) and activities.</summary>
internal static class SqliteWorkItems
{
    // Driven from the inbox (only undelivered events live there), oldest event first; CROSS JOIN keeps
    // SQLite from scanning every instance instead. Events of an execution that continued as new are stale.
    private static readonly string ReadyInstances = $"""
        SELECT i.instance_id FROM inbox m CROSS JOIN instances i ON i.instance_id = m.instance_id
        WHERE m.visible_at <= $now AND (m.execution_id IS NULL OR m.execution_id = i.execution_id)
          AND i.status NOT IN {SqliteTaskHubSchema.TerminalStatuses}
          AND (i.status <> {(int)OrchestrationStatus.Pending}
               OR EXISTS (SELECT 1 FROM inbox s WHERE s.instance_id = i.instance_id AND s.is_start = 1 AND s.visible_at <= $now))
          AND (i.status <> {(int)OrchestrationStatus.Suspended}
               OR EXISTS (SELECT 1 FROM inbox r WHERE r.instance_id = i.instance_id AND r.kind IN {SqliteTaskHubSchema.ReleasingKinds}))
        GROUP BY i.instance_id
        ORDER BY MIN(m.id)
        LIMIT $limit
        """;

    /// <summary>
    /// Takes (leases for <paramref name="lockTimeout"/>) up to <paramref name="max"/> instances with
    /// deliverable inbox events, oldest event first, and reads their turns. Runs on the read connection.
    /// </summary>
    public static List<OrchestrationWorkItem> TakeOrchestrations(
        SqliteSession s, WorkItemLeases leases, int max, long now, TimeSpan lockTimeout, List<(string InstanceId, string Reason)> corrupt)
    {
        var candidates = new List<string>();
        using (var reader = s.Query(ReadyInstances, ("$now", now), ("$limit", max + leases.Instances)))
        {
            while (reader.Read())
                candidates.Add(reader.GetString(0));
        }

        var workItems = new List<OrchestrationWorkItem>();
        foreach (var instanceId in candidates)
        {
            if (workItems.Count == max)
                break;
            if (!leases.TryTakeInstance(instanceId, now, now + (long)lockTimeout.TotalMilliseconds, out var token))
                continue;
            // Read again once taken: the candidates may predate the commit of the lease's previous holder.
            OrchestrationWorkItem? workItem;
            try
            {
                workItem = ReadTurn(s, instanceId, token, now);
            }
            catch (InvalidProtocolBufferException e)
            {
                // Fails alone (the caller commits that); the others are taken as usual.
                corrupt.Add((instanceId, e.Message));
                workItem = null;
            }

            if (workItem is not null)
                workItems.Add(workItem);
            else
                leases.ReleaseInstance(instanceId, token);
        }
        return workItems;
    }

    /// <summary>The instance's turn: status, history and the inbox events it can take now; null when it has none to take.</summary>
    private static OrchestrationWorkItem? ReadTurn(SqliteSession s, string instanceId, string token, long now)
    {
        string executionId;
        OrchestrationStatus status;
        using (var reader = s.Query("SELECT execution_id, status FROM instances WHERE instance_id = $id", ("$id", instanceId)))
        {
            if (!reader.Read())
                return null;
            executionId = reader.GetString(0);
            status = (OrchestrationStatus)reader.GetInt64(1);
        }
        if (status.IsTerminal())
            return null;

        var newEvents = new List<InboxMessage>();
        var starts = false;
        var releases = false;
        using (var reader = s.Query("""
            SELECT id, event, is_start, kind FROM inbox
            WHERE instance_id = $id AND visible_at <= $now AND (execution_id IS NULL OR execution_id = $exec)
            ORDER BY is_start DESC, id
            """, ("$id", instanceId), ("$now", now), ("$exec", executionId)))
        {
            while (reader.Read())
            {
                newEvents.Add(new InboxMessage(reader.GetInt64(0), HistoryEvent.Parser.ParseFrom((byte[])reader.GetValue(1))));
                starts |= reader.GetInt64(2) == 1;
                releases |= reader.GetString(3) is "ExecutionResumed" or "ExecutionTerminated";
            }
        }
        if (newEvents.Count == 0 || (status == OrchestrationStatus.Pending && !starts) || (status == OrchestrationStatus.Suspended && !releases))
            return null;
        var history = s.History.Get(instanceId, executionId);
        if (history is null)
        {
            history = ReadHistory(s, instanceId);
            s.History.Set(instanceId, executionId, history);
        }
        return new OrchestrationWorkItem(instanceId, executionId, status, token, history, newEvents);
    }

    private static readonly string[] HistoryColumns = ["instance_id", "sequence", "event_type", "event"];
    private static readonly string[] ActivityColumns = ["instance_id", "execution_id", "task_id", "event"];

    /// <summary>Commits an episode: history, consumed (and stale) inbox events, new work, status. The caller holds the instance's lease.</summary>
    public static void CompleteOrchestration(SqliteSession s, OrchestrationWorkItem workItem, OrchestrationEpisode episode, long now, DateTimeOffset clock)
    {
        var id = workItem.InstanceId;
        foreach (var message in workItem.NewEvents)
            s.Execute("DELETE FROM inbox WHERE id = $m", ("$m", message.Id));
        // Results addressed to an execution that continued as new are stale.
        s.Execute("DELETE FROM inbox WHERE instance_id = $id AND execution_id IS NOT NULL AND execution_id <> $exec",
            ("$id", id), ("$exec", workItem.ExecutionId));

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
            s.InsertRows("history", HistoryColumns,
                episode.NewHistory.Select(e => new object?[] { id, sequence++, e.EventTypeCase.ToString(), e }).ToList());
            if (episode.NewActivities.Count > 0)
            {
                s.InsertRows("activities", ActivityColumns,
                    episode.NewActivities.Select(task => new object?[] { id, executionId, task.EventId, task }).ToList());
                s.AddedWork();
            }
            foreach (var timer in episode.NewTimers)
                InsertInbox(s, id, executionId, timer, VisibleAt(timer.TimerFired.FireAt.ToDateTimeOffset()), isStart: false);
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
                last_updated_at = $now, completed_at = $completed
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
        // Blocking waits look at the status only (started, finished).
        if (episode.Status != workItem.Status)
            s.Changed(id);
        s.AddedWork();
    }

    /// <summary>Takes (leases) up to <paramref name="max"/> activities, oldest first. Runs on the read connection.</summary>
    public static List<ActivityWorkItem> TakeActivities(SqliteSession s, WorkItemLeases leases, int max)
    {
        var candidates = new List<(long Id, string InstanceId, string ExecutionId, byte[] Event)>();
        using (var reader = s.Query("SELECT id, instance_id, execution_id, event FROM activities ORDER BY id LIMIT $limit", ("$limit", max + leases.Activities)))
        {
            while (reader.Read())
                candidates.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), (byte[])reader.GetValue(3)));
        }

        var items = new List<ActivityWorkItem>();
        foreach (var (id, instanceId, executionId, scheduled) in candidates)
        {
            if (items.Count == max)
                break;
            if (!leases.TryTakeActivity(id, out var token))
                continue;
            // Still there once taken? The candidates may predate the commit of the lease's previous holder.
            if (s.Scalar("SELECT 1 FROM activities WHERE id = $a", ("$a", id)) is null)
            {
                leases.ReleaseActivity(id, token);
                continue;
            }
            items.Add(new ActivityWorkItem(id, instanceId, executionId, token, HistoryEvent.Parser.ParseFrom(scheduled)));
        }
        return items;
    }

    /// <summary>Deletes the activity and delivers its result to the instance inbox. The caller holds the activity's lease.</summary>
    public static void CompleteActivity(SqliteSession s, ActivityWorkItem workItem, HistoryEvent result, long now)
    {
        if (s.Execute("DELETE FROM activities WHERE id = $a", ("$a", workItem.Id)) == 0)
            throw new InvalidOperationException($"Activity work item {workItem.Id} of instance '{workItem.InstanceId}' is gone (its workflow ended).");
        InsertInboxIfLive(s, workItem.InstanceId, workItem.ExecutionId, result, now);
    }
}
