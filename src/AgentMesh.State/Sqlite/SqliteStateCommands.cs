using AgentMesh.Sqlite;
using Microsoft.Data.Sqlite;

namespace AgentMesh.State;

/// <summary>The SQL statements of <see cref="SqliteStateStore"/>, prepared once per connection; callers run on the store's group-commit thread.</summary>
internal static class SqliteStateCommands
{
    private const string LiveFilter = "(expires_at IS NULL OR expires_at > $now)";

    public static StateItem? Read(SqliteStatementCache statements, SqliteTransaction? transaction, string key, long nowMs)
    {
        using var reader = statements.Prepare($"SELECT value, etag, expires_at FROM state_items WHERE key = $key AND {LiveFilter};", transaction, ("$key", key), ("$now", nowMs))
            .ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        var value = (byte[])reader.GetValue(0);
        DateTimeOffset? expiresAt = reader.IsDBNull(2) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2));
        return new StateItem(key, value, reader.GetString(1), expiresAt);
    }

    /// <summary>Checks and applies one operation; returns the new ETag (empty for a delete).</summary>
    public static string Apply(SqliteStatementCache statements, SqliteTransaction transaction, StateOperation operation, long nowMs)
    {
        var current = Read(statements, transaction, operation.Key, nowMs);
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
            statements.Prepare("DELETE FROM state_items WHERE key = $key;", transaction, ("$key", operation.Key)).ExecuteNonQuery();
            return string.Empty;
        }

        var etag = Guid.NewGuid().ToString("N");
        statements.Prepare(
            """
            INSERT INTO state_items (key, value, etag, expires_at) VALUES ($key, $value, $etag, $expires)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value, etag = excluded.etag, expires_at = excluded.expires_at;
            """,
            transaction,
            ("$key", operation.Key),
            ("$value", operation.Value.ToArray()),
            ("$etag", etag),
            ("$expires", options?.Ttl is { } ttl ? nowMs + (long)ttl.TotalMilliseconds : null)).ExecuteNonQuery();
        return etag;
    }

    public static List<string> ListKeys(SqliteStatementCache statements, SqliteTransaction? transaction, string prefix, string? afterKey, int take, long nowMs)
    {
        var keys = new List<string>(take);
        using var reader = statements.Prepare(
            $"""
            SELECT key FROM state_items
            WHERE key >= $prefix AND substr(key, 1, length($prefix)) = $prefix
              AND ($after IS NULL OR key > $after) AND {LiveFilter}
            ORDER BY key LIMIT $take;
            """,
            transaction,
            ("$prefix", prefix),
            ("$after", afterKey),
            ("$now", nowMs),
            ("$take", take)).ExecuteReader();
        while (reader.Read())
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }

    public static int PurgeExpired(SqliteStatementCache statements, SqliteTransaction transaction, long nowMs)
        => statements.Prepare("DELETE FROM state_items WHERE expires_at IS NOT NULL AND expires_at <= $now;", transaction, ("$now", nowMs)).ExecuteNonQuery();
}
