using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace AgentMesh.TaskHub.Sqlite;

/// <summary>
/// Group commit: the store's operations run one after another on a dedicated thread that owns the
/// connection, as many to one IMMEDIATE transaction as are waiting (at most <see cref="MaxBatch"/>).
/// Each operation runs in its own savepoint, so one that throws is rolled back alone. The transaction
/// then commits (synchronous=FULL: one fsync of the WAL for the whole batch), and only after that is
/// any operation's result or error handed back: nothing is acknowledged before it is durable. When the
/// commit fails, every operation of the batch fails with its error.
/// </summary>
internal sealed class SqliteCommitQueue : IDisposable
{
    /// <summary>Most operations in one transaction.</summary>
    public const int MaxBatch = 256;

    private readonly ConcurrentQueue<IPendingOperation> _queue = new();
    private readonly ManualResetEventSlim _ready = new(false);
    private readonly Func<SqliteConnection> _open;
    private readonly Action<SqliteSession> _committed;
    private readonly SqliteHistoryCache _history;
    private readonly Thread _thread;
    private volatile bool _stopping;

    /// <param name="open">Opens the connection (on the queue's thread, before the first operation).</param>
    /// <param name="committed">Called on the queue's thread after each successful commit, with what the batch changed.</param>
    /// <param name="history">The history cache the operations see.</param>
    public SqliteCommitQueue(Func<SqliteConnection> open, Action<SqliteSession> committed, SqliteHistoryCache history)
    {
        _history = history;
        _open = open;
        _committed = committed;
        _thread = new Thread(Run) { IsBackground = true, Name = "AgentMesh.TaskHub store" };
        _thread.Start();
    }

    /// <summary>Runs <paramref name="work"/> in the next batch; completes once that batch has committed.</summary>
    public Task<T> RunAsync<T>(string operation, Func<SqliteSession, T> work, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_stopping, this);
        cancellationToken.ThrowIfCancellationRequested();
        var pending = new PendingOperation<T>(operation, work);
        _queue.Enqueue(pending);
        _ready.Set();
        return pending.Task;
    }

    /// <summary>Stops the thread after the operations already queued; later ones fail with <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        _stopping = true;
        _ready.Set();
        _thread.Join();
        _ready.Dispose();
    }

    private void Run()
    {
        SqliteConnection? connection = null;
        var statements = new Dictionary<string, SqliteCommand>(StringComparer.Ordinal);
        var batch = new List<IPendingOperation>(MaxBatch);
        try
        {
            while (true)
            {
                _ready.Wait();
                _ready.Reset();
                while (true)
                {
                    while (batch.Count < MaxBatch && _queue.TryDequeue(out var next))
                        batch.Add(next);
                    if (batch.Count == 0)
                        break;
                    try
                    {
                        connection ??= _open();
                        RunBatch(connection, new SqliteSession(connection, statements, _history), batch);
                    }
                    catch (Exception e)
                    {
                        // Opening failed: nothing ran.
                        foreach (var operation in batch)
                            operation.Fail(e);
                    }
                    batch.Clear();
                }
                if (_stopping)
                    break;
            }
        }
        finally
        {
            foreach (var command in statements.Values)
                command.Dispose();
            connection?.Dispose();
            while (_queue.TryDequeue(out var left))
                left.Fail(new ObjectDisposedException(nameof(SqliteCommitQueue)));
        }
    }

    private void RunBatch(SqliteConnection connection, SqliteSession session, List<IPendingOperation> batch)
    {
        try
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            session.Transaction = transaction;
            foreach (var operation in batch)
            {
                var started = Stopwatch.GetTimestamp();
                transaction.Save("op");
                try
                {
                    operation.Run(session);
                    transaction.Release("op");
                }
                catch (Exception e) when (e is not SqliteException { SqliteErrorCode: 10 or 13 }) // not SQLITE_IOERR or SQLITE_FULL
                {
                    transaction.Rollback("op");
                    transaction.Release("op");
                    operation.Failed(e);
                }
                TaskHubMetrics.Operations.Add(1, new KeyValuePair<string, object?>("operation", operation.Name));
                TaskHubMetrics.OperationDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>("operation", operation.Name));
            }
            var committing = Stopwatch.GetTimestamp();
            transaction.Commit();
            TaskHubMetrics.CommitDuration.Record(Stopwatch.GetElapsedTime(committing).TotalMilliseconds);
            TaskHubMetrics.BatchSize.Record(batch.Count);
        }
        catch (Exception e)
        {
            foreach (var operation in batch)
                operation.Fail(e);
            session.Reset();
            return;
        }

        foreach (var operation in batch)
            operation.Complete();
        _committed(session);
        session.Reset();
    }

    private interface IPendingOperation
    {
        string Name { get; }

        void Run(SqliteSession session);

        /// <summary>The operation threw and was rolled back; its error is handed back with the batch.</summary>
        void Failed(Exception error);

        /// <summary>Hands back the result (or the operation's own error) after the commit.</summary>
        void Complete();

        /// <summary>The batch did not commit.</summary>
        void Fail(Exception error);
    }

    private sealed class PendingOperation<T>(string name, Func<SqliteSession, T> work) : IPendingOperation
    {
        private readonly TaskCompletionSource<T> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _value;
        private Exception? _error;

        public string Name => name;

        public Task<T> Task => _result.Task;

        public void Run(SqliteSession session) => _value = work(session);

        public void Failed(Exception error) => _error = error;

        public void Complete()
        {
            if (_error is not null)
                _result.TrySetException(_error);
            else
                _result.TrySetResult(_value!);
        }

        public void Fail(Exception error) => _result.TrySetException(error);
    }
}
