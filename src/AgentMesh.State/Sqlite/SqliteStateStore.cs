using AgentMesh.Sqlite;
using Microsoft.Data.Sqlite;

namespace AgentMesh.State;

/// <summary>
/// The embedded <see cref="IStateStore"/>: one SQLite database file (or <c>":memory:"</c>) holding table
/// <c>state_items(key, value, etag, expires_at)</c>. The file runs in WAL mode with <c>synchronous=FULL</c>.
/// Every operation goes through a group commit (<see cref="SqliteGroupCommit{TSession}"/>): the operations
/// waiting together run in one transaction, each in its own savepoint (an operation that fails is rolled
/// back alone), and each task completes only once that transaction has committed, so a write is durable
/// before it is acknowledged, and one fsync acknowledges the writes of many callers. Safe for concurrent
/// callers in this process. TTL is measured with the given <see cref="TimeProvider"/>; expired rows are
/// invisible at once and deleted by the next write.
/// </summary>
public sealed class SqliteStateStore : IStateStore, IDisposable, IAsyncDisposable
{
    /// <summary>The path that selects a private in-memory database (lost on dispose).</summary>
    public const string InMemoryPath = ":memory:";

    private readonly SqliteGroupCommit<Session> _commits;
    private readonly SqliteConnection _connection;
    private readonly TimeProvider _timeProvider;

    static SqliteStateStore() => SQLitePCL.Batteries_V2.Init();

    /// <summary>Opens (creating when needed) the database at <paramref name="path"/>.</summary>
    /// <param name="path">A file path (its folder is created), or <see cref="InMemoryPath"/>.</param>
    /// <param name="timeProvider">Clock for TTL; <c>null</c> means <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="SqliteException">The file cannot be opened or is not a SQLite database.</exception>
    public SqliteStateStore(string path, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _timeProvider = timeProvider ?? TimeProvider.System;
        Path = path;
        if (path != InMemoryPath)
        {
            var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }
        }

        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = path == InMemoryPath ? SqliteOpenMode.Memory : SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        };
        // Opened here, so a bad file fails the constructor; from then on only the group commit's thread uses it.
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA journal_mode=WAL;");
            Execute(connection, "PRAGMA synchronous=FULL;");
            Execute(connection, "PRAGMA busy_timeout=5000;");
            Execute(connection, SqliteStateSchema.Create);
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        _connection = connection;
        _commits = new SqliteGroupCommit<Session>("AgentMesh.State store", () => connection, c => new Session(c));
    }

    /// <summary>The path given at construction.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public Task<StateItem?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return RunAsync("Get", s => SqliteStateCommands.Read(s.Statements, s.Transaction, key, NowMs()), cancellationToken);
    }

    /// <inheritdoc />
    public Task<string> SetAsync(string key, ReadOnlyMemory<byte> value, StateWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        var operation = StateOperation.Upsert(key, value, options);
        return RunAsync("Set", s => Write(s, () => SqliteStateCommands.Apply(s.Statements, s.Transaction!, operation, NowMs())), cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string key, string? etag = null, CancellationToken cancellationToken = default)
    {
        var operation = StateOperation.Delete(key, etag);
        return RunAsync(
            "Delete",
            s => Write(s, () =>
            {
                var existed = SqliteStateCommands.Read(s.Statements, s.Transaction, key, NowMs()) is not null;
                SqliteStateCommands.Apply(s.Statements, s.Transaction!, operation, NowMs());
                return existed;
            }),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StateItem>> GetBulkAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return RunAsync<IReadOnlyList<StateItem>>(
            "GetBulk",
            s =>
            {
                var now = NowMs();
                var items = new List<StateItem>(keys.Count);
                foreach (var key in keys.Distinct(StringComparer.Ordinal))
                {
                    if (SqliteStateCommands.Read(s.Statements, s.Transaction, key, now) is { } item)
                    {
                        items.Add(item);
                    }
                }

                return items;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ExecuteTransactionAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operations);
        return RunAsync<IReadOnlyList<string>>(
            "Transaction",
            s => Write(s, () =>
            {
                var now = NowMs();
                var etags = new string[operations.Count];
                for (var i = 0; i < operations.Count; i++)
                {
                    etags[i] = SqliteStateCommands.Apply(s.Statements, s.Transaction!, operations[i], now);
                }

                return etags;
            }),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<StateKeyPage> ListKeysAsync(string prefix, string? continuationToken, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var after = StateKeyPageTokens.LastKey(continuationToken);
        return RunAsync(
            "ListKeys",
            s =>
            {
                var keys = SqliteStateCommands.ListKeys(s.Statements, s.Transaction, prefix, after, limit + 1, NowMs());
                if (keys.Count <= limit)
                {
                    return new StateKeyPage(keys, null);
                }

                keys.RemoveAt(limit);
                return new StateKeyPage(keys, StateKeyPageTokens.After(keys[^1]));
            },
            cancellationToken);
    }

    /// <summary>Deletes every expired row now; returns how many were deleted.</summary>
    public Task<int> PurgeExpiredAsync(CancellationToken cancellationToken = default) =>
        RunAsync("PurgeExpired", s => SqliteStateCommands.PurgeExpired(s.Statements, s.Transaction!, NowMs()), cancellationToken);

    /// <summary>Waits for the operations already queued, then closes the database; later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        _commits.Dispose();
        _connection.Dispose();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private long NowMs() => _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    private Task<T> RunAsync<T>(string operation, Func<Session, T> work, CancellationToken cancellationToken)
        => _commits.RunAsync(operation, work, cancellationToken);

    /// <summary>A write, after which the expired rows are deleted in the same savepoint.</summary>
    private T Write<T>(Session session, Func<T> work)
    {
        var result = work();
        SqliteStateCommands.PurgeExpired(session.Statements, session.Transaction!, NowMs());
        return result;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>The connection's prepared statements and the current batch's transaction.</summary>
    private sealed class Session(SqliteConnection connection) : IGroupCommitSession, IDisposable
    {
        public SqliteStatementCache Statements { get; } = new(connection);

        public SqliteTransaction? Transaction { get; set; }

        public void Reset() => Transaction = null;

        public void Dispose() => Statements.Dispose();
    }
}
