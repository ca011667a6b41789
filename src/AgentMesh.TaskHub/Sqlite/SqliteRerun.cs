using AgentMesh.TaskHub.Backend;
using AgentMesh.TaskHub.Protocol;
using static AgentMesh.TaskHub.Sqlite.SqliteInstanceRows;

namespace AgentMesh.TaskHub.Sqlite;

/// <summary>RerunWorkflowFromEvent: a new instance from a finished one's history, up to an activity that runs again.</summary>
internal static class SqliteRerun
{
    private static readonly string[] HistoryColumns = ["instance_id", "sequence", "event_type", "event"];

    /// <summary>See <see cref="ITaskHubBackend.RerunFromEventAsync"/>.</summary>
    public static bool Rerun(SqliteSession s, string sourceId, int eventId, string newId, string? input, bool overwriteInput, long now)
    {
        if (Status(s, sourceId) is not { } sourceStatus)
            return false;
        if (!sourceStatus.IsTerminal())
            throw new InvalidOperationException($"Workflow instance '{sourceId}' is {sourceStatus.Describe()}; only a finished instance can be rerun from an event.");
        if (Status(s, newId) is { } existing)
        {
            if (!existing.IsTerminal())
                throw new InstanceExistsException($"A workflow instance with id '{newId}' already exists and is {existing.Describe()}; choose another new instance id.");
            DeleteInstance(s, newId);
        }

        var history = ReadHistory(s, sourceId);
        var index = history.FindIndex(e => e.EventId == eventId && e.TaskScheduled is not null);
        if (index < 0)
            throw new InvalidOperationException($"Event {eventId} of workflow instance '{sourceId}' is not an activity it scheduled (a TaskScheduled event); rerun from one of those.");

        var executionId = Guid.NewGuid().ToString("N");
        var copy = history.Take(index + 1).Select(e => e.Clone()).ToList();
        var started = copy.First(e => e.ExecutionStarted is not null).ExecutionStarted;
        started.WorkflowInstance = new WorkflowInstance { InstanceId = newId, ExecutionId = executionId };
        var rerun = copy[^1];
        if (overwriteInput)
            rerun.TaskScheduled.Input = input;

        s.Execute("""
            INSERT INTO instances (instance_id, execution_id, name, status, input, created_at, last_updated_at)
            VALUES ($id, $exec, $name, $status, $input, $now, $now)
            """,
            ("$id", newId), ("$exec", executionId), ("$name", started.Name), ("$status", (int)OrchestrationStatus.Running), ("$input", started.Input), ("$now", now));
        var sequence = 0L;
        s.InsertRows("history", HistoryColumns, copy.Select(e => new object?[] { newId, sequence++, e.EventTypeCase.ToString(), e }).ToList());
        s.Execute("INSERT INTO activities (instance_id, execution_id, task_id, event) VALUES ($id, $exec, $task, $event)",
            ("$id", newId), ("$exec", executionId), ("$task", rerun.EventId), ("$event", rerun));
        s.AddedWork();
        s.Changed(newId);
        return true;
    }
}
