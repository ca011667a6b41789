using Microsoft.Data.Sqlite;

namespace AgentMesh.TaskHub.Sqlite;

/// <summary>
/// DDL of the SQLite task hub. Times are Unix milliseconds (UTC); events are serialized
/// <c>HistoryEvent</c> protobufs (inbox <c>kind</c> is the event's type, e.g. <c>ExecutionResumed</c>);
/// statuses are <c>OrchestrationStatus</c> numbers. The <c>locked_by</c> and <c>lock_expires_at</c>
/// columns are no longer used (work item leases live in memory, <c>WorkItemLeases</c>); they stay so
/// that files written before remain readable.
/// </summary>
internal static class SqliteTaskHubSchema
{
    public const string Create = """
        CREATE TABLE IF NOT EXISTS instances (
            instance_id        TEXT PRIMARY KEY,
            execution_id       TEXT NOT NULL,
            name               TEXT NOT NULL,
            status             INTEGER NOT NULL,
            input              TEXT,
            output             TEXT,
            custom_status      TEXT,
            failure_details    BLOB,
            parent_instance_id TEXT,
            created_at         INTEGER NOT NULL,
            last_updated_at    INTEGER NOT NULL,
            completed_at       INTEGER,
            scheduled_start_at INTEGER,
            locked_by          TEXT,
            lock_expires_at    INTEGER
        );
        CREATE TABLE IF NOT EXISTS history (
            instance_id TEXT NOT NULL,
            sequence    INTEGER NOT NULL,
            event_type  TEXT NOT NULL,
            event       BLOB NOT NULL,
            PRIMARY KEY (instance_id, sequence)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS inbox (
            id           INTEGER PRIMARY KEY AUTOINCREMENT,
            instance_id  TEXT NOT NULL,
            execution_id TEXT,
            is_start     INTEGER NOT NULL DEFAULT 0,
            kind         TEXT NOT NULL DEFAULT '',
            visible_at   INTEGER NOT NULL,
            event        BLOB NOT NULL
        );
        CREATE INDEX IF NOT EXISTS inbox_by_instance ON inbox (instance_id, id);
        CREATE INDEX IF NOT EXISTS inbox_by_visible ON inbox (visible_at);
        CREATE TABLE IF NOT EXISTS activities (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            instance_id     TEXT NOT NULL,
            execution_id    TEXT NOT NULL,
            task_id         INTEGER NOT NULL,
            event           BLOB NOT NULL,
            locked_by       TEXT,
            lock_expires_at INTEGER
        );
        CREATE INDEX IF NOT EXISTS activities_by_instance ON activities (instance_id);
        CREATE INDEX IF NOT EXISTS instances_by_parent ON instances (parent_instance_id);
        """;

    /// <summary>
    /// Prepares an open connection: WAL with synchronous=FULL (a commit returns once it is on disk), the
    /// schema, and a check that the file is not an earlier engine's.
    /// </summary>
    public static void Apply(SqliteConnection connection, string databasePath)
    {
        using (var pragmas = connection.CreateCommand())
        {
            pragmas.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000;";
            pragmas.ExecuteNonQuery();
        }
        using var transaction = connection.BeginTransaction(deferred: false);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = Create;
        command.ExecuteNonQuery();
        command.CommandText = "SELECT COUNT(*) FROM pragma_table_info('inbox') WHERE name = 'kind'";
        if (command.ExecuteScalar() is 0L)
            throw new InvalidOperationException(
                $"The task hub file '{databasePath}' was written by an earlier AgentMesh whose workflow engine is gone; delete it (its runs cannot be resumed) and start again.");
        transaction.Commit();
    }

    /// <summary>Statuses after which an instance takes no more events (Completed, Failed, Canceled, Terminated).</summary>
    public const string TerminalStatuses = "(1, 3, 4, 5)";

    /// <summary>Inbox event kinds that release a suspended instance.</summary>
    public const string ReleasingKinds = "('ExecutionResumed', 'ExecutionTerminated')";
}
