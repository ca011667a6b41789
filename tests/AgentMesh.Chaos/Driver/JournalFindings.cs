namespace AgentMesh.Chaos.Driver;

/// <summary>What <see cref="JournalAudit.Check"/> found.</summary>
public sealed class JournalFindings
{
    /// <summary>Journal lines: activity executions that finished.</summary>
    public int Executions { get; set; }

    /// <summary>Distinct tasks (instance, task id) executed.</summary>
    public int Tasks { get; set; }

    /// <summary>Executions re-run because the kill came before their completion was committed (at-least-once: allowed).</summary>
    public int ReRunsBeforeCommit { get; set; }

    /// <summary>Executions of a task whose completion had been (or was being) committed by then: violations.</summary>
    public int DuplicatesAfterCommit { get; set; }

    /// <summary>Every violation and inconsistency, one line each.</summary>
    public List<string> Problems { get; } = [];
}
