using System.Text;
using Microsoft.Data.Sqlite;

namespace AgentMesh.State;

/// <summary>
/// The embedded <see cref="IStateStore"/>: one SQLite database file (or <c>":memory:"</c>) holding table
/// <c>state_items(key, value, etag, expires_at)</c>. The file runs in WAL mode with <c>synchronous=FULL</c>,
/// so a write is durable before its task completes. One connection serves all callers, one operation at
/// a time (safe for concurrent callers in this process). TTL is measured with the given
/// <see cref="TimeProvider"/>; expired rows are invisible at once and deleted by the next write.
/// </summary>
public sealed class SqliteStateStore : IStateStore, IDisposable, IAsyncDisposable
{
    /// <summary>The path that selects a private in-memory database (lost on dispose).</summary>
    public const string InMemoryPath = ":memory:";

    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TimeProvider _timeProvider;
    private bool _disposed;

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
        _connection = new SqliteConnection(builder.ToString());
        _connection.Open();
        Execute("PRAGMA journal_mode=WAL;");
        Execute("PRAGMA synchronous=FULL;");
        Execute("PRAGMA busy_timeout=5000;");
        Execute(SqliteStateSchema.Create);
    }

    /// <summary>The path given at construction.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public Task<StateItem?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return RunAsync(() => SqliteStateCommands.Read(_connection, null, key, NowMs()), cancellationToken);
    }

    /// <inheritdoc />
    public Task<string> SetAsync(string key, ReadOnlyMemory<byte> value, StateWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        var operation = StateOperation.Upsert(key, value, options);
        return RunAsync(() => InTransaction(tx => SqliteStateCommands.Apply(_connection, tx, operation, NowMs())), cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string key, string? etag = null, CancellationToken cancellationToken = default)
    {
        var operation = StateOperation.Delete(key, etag);
        return RunAsync(
            () => InTransaction(tx =>
            {
                var existed = SqliteStateCommands.Read(_connection, tx, key, NowMs()) is not null;
                SqliteStateCommands.Apply(_connection, tx, operation, NowMs());
                return existed;
            }),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StateItem>> GetBulkAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return RunAsync<IReadOnlyList<StateItem>>(
            () =>
            {
                var now = NowMs();
                var items = new List<StateItem>(keys.Count);
                foreach (var key in keys.Distinct(StringComparer.Ordinal))
                {
                    if (SqliteStateCommands.Read(_connection, null, key, now) is { } item)
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
            () => InTransaction(tx =>
            {
                var now = NowMs();
                var etags = new string[operations.Count];
                for (var i = 0; i < operations.Count; i++)
                {
                    etags[i] = SqliteStateCommands.Apply(_connection, tx, operations[i], now);
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
        var after = DecodeToken(continuationToken);
        return RunAsync(
            () =>
            {
                var keys = SqliteStateCommands.ListKeys(_connection, prefix, after, limit + 1, NowMs());
                if (keys.Count <= limit)
                {
                    return new StateKeyPage(keys, null);
                }

                keys.RemoveAt(limit);
                return new StateKeyPage(keys, EncodeToken(keys[^1]));
            },
            cancellationToken);
    }

    /// <summary>Deletes every expired row now; returns how many were deleted.</summary>
    public Task<int> PurgeExpiredAsync(CancellationToken cancellationToken = default) =>
        RunAsync(() => InTransaction(tx => SqliteStateCommands.PurgeExpired(_connection, tx, NowMs())), cancellationToken);

    /// <inheritdoc />
    public void Dispose()
    {
        _gate.Wait();
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _connection.Dispose();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private long NowMs() => _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    private async Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return work();
        }
        finally
        {
            _gate.Release();
        }
    }

    private T InTransaction<T>(Func<SqliteTransaction, T> work)
    {
        using var transaction = _connection.BeginTransaction();
        var result = work(transaction);
        SqliteStateCommands.PurgeExpired(_connection, transaction, NowMs());
        transaction.Commit();
        return result;
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string EncodeToken(string lastKey) => Convert.ToBase64String(Encoding.UTF8.GetBytes(lastKey));

    private static string? DecodeToken(string? token)
    {
        if (token is null)
        {
            return null;
        }

        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException ex)
        {
            throw new ArgumentException("The continuation token was not issued by this store.", nameof(token), ex);
        }
    }
}
