using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace AgentMesh.Sqlite;

/// <summary>
/// Group commit: a store's operations run one after another on a dedicated thread that owns the
/// connection, as many to one IMMEDIATE transaction as are waiting (at most <see cref="MaxBatch"/>).
/// Each operation runs in its own savepoint, so one that throws is rolled back alone. The transaction
/// then commits (with <c>synchronous=FULL</c>, one fsync of the WAL for the whole batch), and only after
/// that is any operation's result or error handed back: nothing is acknowledged before it is durable.
/// When the commit fails (or an operation fails with SQLITE_IOERR or SQLITE_FULL), every operation of the
/// batch fails with that error and nothing of the batch is kept.
/// </summary>
/// <typeparam name="TSession">What the operations see (the connection, prepared statements, what they changed).</typeparam>
public sealed class SqliteGroupCommit<TSession> : IDisposable where TSession : IGroupCommitSession
{
    /// <summary>Most operations in one transaction.</summary>
    public const int MaxBatch = 256;

    private readonly ConcurrentQueue<IPendingOperation> _queue = new();
    // No spinning before the wait blocks: at low load the writer thread would burn a core between batches.
    private readonly ManualResetEventSlim _ready = new(false, spinCount: 0);
    private readonly Func<SqliteConnection> _open;
    private readonly Func<SqliteConnection, TSession> _session;
    private readonly GroupCommitObserver<TSession> _observer;
    private readonly Thread _thread;
    private volatile bool _stopping;

    /// <param name="name">The thread's name.</param>
    /// <param name="open">Opens the connection (on the queue's thread, before the first operation).</param>
    /// <param name="session">Creates the session the operations share, once the connection is open.</param>
    /// <param name="observer">Told of each operation's time, each commit and what the batch changed; null for none.</param>
    public SqliteGroupCommit(string name, Func<SqliteConnection> open, Func<SqliteConnection, TSession> session, GroupCommitObserver<TSession>? observer = null)
    {
        _open = open;
        _session = session;
        _observer = observer ?? new GroupCommitObserver<TSession>();
        _thread = new Thread(Run) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>
    /// Runs <paramref name="work"/> in the next batch; completes once that batch has committed. Throws
    /// <see cref="ObjectDisposedException"/> after <see cref="Dispose"/>.
    /// </summary>
    public Task<T> RunAsync<T>(string operation, Func<TSession, T> work, CancellationToken cancellationToken = default)
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
        if (_stopping)
            return;
        _stopping = true;
        _ready.Set();
        _thread.Join();
        _ready.Dispose();
    }

    private void Run()
    {
        SqliteConnection? connection = null;
        TSession? session = default;
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
                        session ??= _session(connection);
                        RunBatch(connection, session, batch);
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
            (session as IDisposable)?.Dispose();
            connection?.Dispose();
            while (_queue.TryDequeue(out var left))
                left.Fail(new ObjectDisposedException(GetType().Name));
        }
    }

    private void RunBatch(SqliteConnection connection, TSession session, List<IPendingOperation> batch)
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
                _observer.OperationRan?.Invoke(operation.Name, Stopwatch.GetElapsedTime(started));
            }
            var committing = Stopwatch.GetTimestamp();
            transaction.Commit();
            _observer.BatchCommitted?.Invoke(batch.Count, Stopwatch.GetElapsedTime(committing));
        }
        catch (Exception e)
        {
            foreach (var operation in batch)
                operation.Fail(e);
            session.Transaction = null;
            session.Reset();
            return;
        }

        foreach (var operation in batch)
            operation.Complete();
        session.Transaction = null;
        _observer.Committed?.Invoke(session);
        session.Reset();
    }

    private interface IPendingOperation
    {
        string Name { get; }

        void Run(TSession session);

        /// <summary>The operation threw and was rolled back; its error is handed back with the batch.</summary>
        void Failed(Exception error);

        /// <summary>Hands back the result (or the operation's own error) after the commit.</summary>
        void Complete();

        /// <summary>The batch did not commit.</summary>
        void Fail(Exception error);
    }

    private sealed class PendingOperation<T>(string name, Func<TSession, T> work) : IPendingOperation
    {
        private readonly TaskCompletionSource<T> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _value;
        private Exception? _error;

        public string Name => name;

        public Task<T> Task => _result.Task;

        public void Run(TSession session) => _value = work(session);

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

/// <summary>Callbacks of a <see cref="SqliteGroupCommit{TSession}"/>, all on its thread; each may be null.</summary>
public sealed class GroupCommitObserver<TSession>
{
    /// <summary>An operation ran (its name and time), whether it succeeded or was rolled back.</summary>
    public Action<string, TimeSpan>? OperationRan { get; init; }

    /// <summary>A batch of this many operations committed, and the commit (with its fsync) took this long.</summary>
    public Action<int, TimeSpan>? BatchCommitted { get; init; }

    /// <summary>After a commit, before the session forgets what the batch changed.</summary>
    public Action<TSession>? Committed { get; init; }
}
