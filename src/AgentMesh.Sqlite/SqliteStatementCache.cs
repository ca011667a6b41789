using Microsoft.Data.Sqlite;

namespace AgentMesh.Sqlite;

/// <summary>
/// The statements one connection runs, each SQL text prepared once and reused (Microsoft.Data.Sqlite keeps a
/// command's compiled statements between executions), so a store's hot path does not parse SQL. Not thread-safe:
/// one connection, one user at a time. Disposing disposes the commands, not the connection.
/// </summary>
public sealed class SqliteStatementCache(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    /// <summary>The connection the statements run on.</summary>
    public SqliteConnection Connection => connection;

    /// <summary>
    /// The command for <paramref name="sql"/>, in <paramref name="transaction"/>, with exactly <paramref name="parameters"/>
    /// bound by name (null binds SQL NULL). Dispose a reader it returns before the next statement.
    /// </summary>
    public SqliteCommand Prepare(string sql, SqliteTransaction? transaction, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            _commands[sql] = command;
        }
        command.Transaction = transaction;
        command.Parameters.Clear();
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values)
            command.Dispose();
        _commands.Clear();
    }
}
