namespace AgentMesh.Services.Orchestrator;

/// <summary>Settings of the Orchestrator (configuration section <c>Orchestrator</c>).</summary>
public sealed class OrchestratorOptions
{
    /// <summary>Agent roles an explicit plan may use. Required, at least one.</summary>
    public List<string> KnownRoles { get; set; } = [];

    /// <summary>How long a gated tool call waits for a decision before it counts as denied. Default 24 hours.</summary>
    public TimeSpan ApprovalTimeout { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Attempts per activity (planning, a step) before the run fails. Default 3.</summary>
    public int ActivityMaxAttempts { get; set; } = 3;

    /// <summary>Each run's limits unless StartRun lowers them (<c>Orchestrator:Budget:*</c>; see <see cref="Budgets.RunBudget"/> for the defaults).</summary>
    public Budgets.RunBudget Budget { get; set; } = new();

    /// <summary>
    /// How many times a run started from a goal may ask the Planner for a new plan after a step fails for good (class
    /// <c>logic</c> other than a budget, or <c>model</c>). Default 1; 0 turns replanning off.
    /// </summary>
    public int MaxReplans { get; set; } = 1;

    /// <summary>Delay before the first retry of a failed activity; doubles each time. Default 2 seconds.</summary>
    public TimeSpan ActivityFirstRetryInterval { get; set; } = TimeSpan.FromSeconds(2);
}
