using AgentMesh.Sqlite;
using Microsoft.Data.Sqlite;

namespace AgentMesh.TaskHub.Sqlite;

/// <summary>
/// A second connection to the hub's file for reads that write nothing (instance state, history, ids,
/// timers), so they neither wait for a group commit nor take the writer's time. In WAL mode a reader
/// sees a transaction only once its COMMIT returned, that is (synchronous=FULL) once it is on disk: a
/// read never shows anything that is not durable. One read at a time.
/// </summary>
internal sealed class SqliteReadConnection(string databasePath, Func<Task> schemaReady, SqliteHistoryCache history) : IDisposable
{
    // Awaited, not blocked on: a read that waits for another must not hold a thread-pool thread.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private SqliteStatementCache? _statements;
    private SqliteConnection? _connection;
    private SqliteSession? _session;
    private bool _disposed;

    /// <summary>Runs <paramref name="read"/> (each statement its own read transaction) once the writer has created the schema.</summary>
    public async Task<T> ReadAsync<T>(string operation, Func<SqliteSession, T> read, CancellationToken cancellationToken)
    {
        if (_session is null)
            await schemaReady().ConfigureAwait(false);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_session is null)
            {
                var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString());
                connection.Open();
                _connection = connection;
                _statements = new SqliteStatementCache(connection);
                _session = new SqliteSession(_statements, history);
            }
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var result = read(_session);
            var tag = new KeyValuePair<string, object?>("operation", operation);
            TaskHubMetrics.Operations.Add(1, tag);
            TaskHubMetrics.OperationDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds, tag);
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _gate.Wait();
        try
        {
            _disposed = true;
            _statements?.Dispose();
            _connection?.Dispose();
        }
        finally
        {
            _gate.Release();
        }
    }
}
