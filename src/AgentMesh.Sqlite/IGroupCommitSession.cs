using Microsoft.Data.Sqlite;

namespace AgentMesh.Sqlite;

/// <summary>What the operations of a <see cref="SqliteGroupCommit{TSession}"/> batch share: its open transaction.</summary>
public interface IGroupCommitSession
{
    /// <summary>The batch's transaction while it runs; null between batches.</summary>
    SqliteTransaction? Transaction { get; set; }

    /// <summary>Forgets what the last batch recorded (called after its commit, or after it failed).</summary>
    void Reset();
}
