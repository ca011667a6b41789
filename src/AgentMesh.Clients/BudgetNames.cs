namespace AgentMesh.Clients;

/// <summary>The names of a run's budgets, as BudgetExceeded.budget and the <see cref="StepFailureTrailers.Budget"/> trailer carry them.</summary>
public static class BudgetNames
{
    public const string InputTokens = "input_tokens";
    public const string OutputTokens = "output_tokens";
    public const string CostUsd = "cost_usd";
    public const string ModelTurnsPerStep = "model_turns_per_step";
    public const string ToolCalls = "tool_calls";
    public const string WallTimeSeconds = "wall_time_seconds";

    /// <summary>A short description of budget <paramref name="name"/> for a person (e.g. "output tokens").</summary>
    public static string Describe(string name) => name switch
    {
        InputTokens => "input tokens",
        OutputTokens => "output tokens",
        CostUsd => "cost (US dollars)",
        ModelTurnsPerStep => "model turns per step",
        ToolCalls => "tool calls",
        WallTimeSeconds => "wall time (seconds)",
        _ => name,
    };
}
