using Google.Protobuf;
using Microsoft.Data.Sqlite;

namespace AgentMesh.TaskHub.Sqlite;

/// <summary>
/// What one store operation sees while it runs inside a group-commit transaction: prepared statements
/// of the writer's connection (each SQL text is prepared once and reused), and what the operation
/// changed, which is published only after the transaction committed.
/// </summary>
internal sealed class SqliteSession(SqliteConnection connection, Dictionary<string, SqliteCommand> statements)
{
    private readonly HashSet<string> _changedInstances = new(StringComparer.Ordinal);

    /// <summary>The open transaction of the current batch.</summary>
    public SqliteTransaction? Transaction { get; set; }

    /// <summary>Instances whose row (status, output, …) the committed operations changed or deleted.</summary>
    public IReadOnlyCollection<string> ChangedInstances => _changedInstances;

    /// <summary>Whether a committed operation stored work a worker may pick up.</summary>
    public bool WorkAdded { get; private set; }

    /// <summary>Records that <paramref name="instanceId"/>'s row changed (wakes the blocking waits on it after the commit).</summary>
    public void Changed(string instanceId) => _changedInstances.Add(instanceId);

    /// <summary>Records that work was stored (wakes the dispatcher after the commit).</summary>
    public void AddedWork() => WorkAdded = true;

    public int Execute(string sql, params (string Name, object? Value)[] parameters) => Prepare(sql, parameters).ExecuteNonQuery();

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
        if (!statements.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            statements[sql] = command;
        }
        command.Transaction = Transaction;
        command.Parameters.Clear();
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value switch
            {
                null => DBNull.Value,
                IMessage message => message.ToByteArray(),
                _ => value,
            });
        }
        return command;
    }
}
