namespace AgentMesh.State;

/// <summary>DDL of the SQLite state store.</summary>
internal static class SqliteStateSchema
{
    /// <summary>expires_at is Unix milliseconds (UTC) or NULL for no expiry.</summary>
    public const string Create = """
        CREATE TABLE IF NOT EXISTS state_items (
            key        TEXT    NOT NULL PRIMARY KEY,
            value      BLOB    NOT NULL,
            etag       TEXT    NOT NULL,
            expires_at INTEGER NULL
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS ix_state_items_expires_at ON state_items (expires_at) WHERE expires_at IS NOT NULL;
        """;
}
