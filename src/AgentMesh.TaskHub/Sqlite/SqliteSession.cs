using System.Collections.Concurrent;
using Google.Protobuf;
using AgentMesh.Sqlite;
using Microsoft.Data.Sqlite;

namespace AgentMesh.TaskHub.Sqlite;

/// <summary>
/// What a store operation sees while it runs: prepared statements of one connection (each SQL text is
/// prepared once and reused), the history cache, and, for a write inside a group-commit transaction,
/// what it changed, which is published only after the transaction committed (a change recorded by an
/// operation that was then rolled back only causes a harmless extra wake-up). On the read connection
/// there is no transaction: each statement reads the latest commit.
/// </summary>
internal sealed class SqliteSession(SqliteStatementCache statements, SqliteHistoryCache history) : IGroupCommitSession
{
    /// <summary>Most rows one INSERT of <see cref="InsertRows"/> carries.</summary>
    public const int RowsPerInsert = 16;

    private static readonly ConcurrentDictionary<(string Table, int Rows), string> InsertSql = new();
    private readonly HashSet<string> _changedInstances = new(StringComparer.Ordinal);

    /// <summary>The open transaction of the current batch; null on the read connection.</summary>
    public SqliteTransaction? Transaction { get; set; }

    /// <summary>Instances whose row (status, output, …) the committed operations changed or deleted.</summary>
    public IReadOnlyCollection<string> ChangedInstances => _changedInstances;

    /// <summary>Whether a committed operation stored work a worker may pick up.</summary>
    public bool WorkAdded { get; private set; }

    /// <summary>Histories of recently run instances (an operation that deletes an instance drops its entry).</summary>
    public SqliteHistoryCache History => history;

    /// <summary>Records that <paramref name="instanceId"/>'s row changed (wakes the blocking waits on it after the commit).</summary>
    public void Changed(string instanceId) => _changedInstances.Add(instanceId);

    /// <summary>Records that work was stored (wakes the dispatcher after the commit).</summary>
    public void AddedWork() => WorkAdded = true;

    public int Execute(string sql, params (string Name, object? Value)[] parameters) => Prepare(sql, parameters).ExecuteNonQuery();

    /// <summary>
    /// Inserts <paramref name="rows"/> (values in the order of <paramref name="columns"/>) into <paramref name="table"/>
    /// with one statement per <see cref="RowsPerInsert"/> rows.
    /// </summary>
    public void InsertRows(string table, string[] columns, IReadOnlyList<object?[]> rows)
    {
        for (var first = 0; first < rows.Count; first += RowsPerInsert)
        {
            var count = Math.Min(RowsPerInsert, rows.Count - first);
            var sql = InsertSql.GetOrAdd((table, count), key => $"INSERT INTO {key.Table} ({string.Join(", ", columns)}) VALUES " +
                string.Join(", ", Enumerable.Range(0, key.Rows).Select(r => "(" + string.Join(", ", columns.Select((_, c) => $"$r{r}c{c}")) + ")")));
            var parameters = new (string Name, object? Value)[count * columns.Length];
            for (var r = 0; r < count; r++)
            {
                for (var c = 0; c < columns.Length; c++)
                    parameters[r * columns.Length + c] = ($"$r{r}c{c}", rows[first + r][c]);
            }
            Execute(sql, parameters);
        }
    }

    public object? Scalar(string sql, params (string Name, object? Value)[] parameters)
    {
        var value = Prepare(sql, parameters).ExecuteScalar();
        return value is DBNull ? null : value;
    }

    /// <summary>A reader over the statement's rows; dispose it before the next statement.</summary>
    public SqliteDataReader Query(string sql, params (string Name, object? Value)[] parameters) => Prepare(sql, parameters).ExecuteReader();

    /// <summary>Forgets the published state of a batch.</summary>
    public void Reset()
    {
        _changedInstances.Clear();
        WorkAdded = false;
        Transaction = null;
    }

    private SqliteCommand Prepare(string sql, (string Name, object? Value)[] parameters)
    {
        for (var i = 0; i < parameters.Length; i++)
        {
            if (parameters[i].Value is IMessage message)
                parameters[i].Value = message.ToByteArray();
        }
        return statements.Prepare(sql, Transaction, parameters);
    }
}
