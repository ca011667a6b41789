using Microsoft.Data.Sqlite;

namespace AgentMesh.State;

/// <summary>The SQL statements of <see cref="SqliteStateStore"/>; callers hold the store's gate.</summary>
internal static class SqliteStateCommands
{
    private const string LiveFilter = "(expires_at IS NULL OR expires_at > $now)";

    public static StateItem? Read(SqliteConnection connection, SqliteTransaction? transaction, string key, long nowMs)
    {
        using var command = Create(connection, transaction, $"SELECT value, etag, expires_at FROM state_items WHERE key = $key AND {LiveFilter};");
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$now", nowMs);
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        var value = (byte[])reader.GetValue(0);
        DateTimeOffset? expiresAt = reader.IsDBNull(2) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2));
        return new StateItem(key, value, reader.GetString(1), expiresAt);
    }

    /// <summary>Checks and applies one operation; returns the new ETag (empty for a delete).</summary>
    public static string Apply(SqliteConnection connection, SqliteTransaction transaction, StateOperation operation, long nowMs)
    {
        var current = Read(connection, transaction, operation.Key, nowMs);
        var options = operation.Options;
        if (options?.ETag is { } expected && current?.ETag != expected)
        {
            throw new StateConcurrencyException(
                operation.Key,
                current is null
                    ? $"State key '{operation.Key}' does not exist, so ETag '{expected}' cannot match."
                    : $"State key '{operation.Key}' has ETag '{current.ETag}', not the expected '{expected}'.");
        }

        if (options?.CreateOnly == true && current is not null)
        {
            throw new StateConcurrencyException(operation.Key, $"State key '{operation.Key}' already exists (create-only write).");
        }

        if (operation.Kind == StateOperationKind.Delete)
        {
            using var delete = Create(connection, transaction, "DELETE FROM state_items WHERE key = $key;");
            delete.Parameters.AddWithValue("$key", operation.Key);
            delete.ExecuteNonQuery();
            return string.Empty;
        }

        var etag = Guid.NewGuid().ToString("N");
        using var upsert = Create(
            connection,
            transaction,
            """
            INSERT INTO state_items (key, value, etag, expires_at) VALUES ($key, $value, $etag, $expires)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value, etag = excluded.etag, expires_at = excluded.expires_at;
            """);
        upsert.Parameters.AddWithValue("$key", operation.Key);
        upsert.Parameters.Add("$value", SqliteType.Blob).Value = operation.Value.ToArray();
        upsert.Parameters.AddWithValue("$etag", etag);
        upsert.Parameters.AddWithValue("$expires", options?.Ttl is { } ttl ? nowMs + (long)ttl.TotalMilliseconds : DBNull.Value);
        upsert.ExecuteNonQuery();
        return etag;
    }

    public static List<string> ListKeys(SqliteConnection connection, SqliteTransaction? transaction, string prefix, string? afterKey, int take, long nowMs)
    {
        using var command = Create(
            connection,
            transaction,
            $"""
            SELECT key FROM state_items
            WHERE key >= $prefix AND substr(key, 1, length($prefix)) = $prefix
              AND ($after IS NULL OR key > $after) AND {LiveFilter}
            ORDER BY key LIMIT $take;
            """);
        command.Parameters.AddWithValue("$prefix", prefix);
        command.Parameters.AddWithValue("$after", (object?)afterKey ?? DBNull.Value);
        command.Parameters.AddWithValue("$now", nowMs);
        command.Parameters.AddWithValue("$take", take);
        var keys = new List<string>(take);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }

    public static int PurgeExpired(SqliteConnection connection, SqliteTransaction transaction, long nowMs)
    {
        using var command = Create(connection, transaction, "DELETE FROM state_items WHERE expires_at IS NOT NULL AND expires_at <= $now;");
        command.Parameters.AddWithValue("$now", nowMs);
        return command.ExecuteNonQuery();
    }

    private static SqliteCommand Create(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }
}
