using AgentMesh.Clients;
using AgentMesh.Contracts.V1;
using Google.Protobuf.WellKnownTypes;

namespace AgentMesh.Services.Orchestrator.Budgets;

/// <summary>
/// The limits one run runs under (agentmesh.v1.Budget). The configured defaults are <c>Orchestrator:Budget</c>
/// (e.g. <c>Orchestrator:Budget:MaxToolCalls=50</c>); StartRun may lower each for one run (<see cref="LoweredBy"/>).
/// A limit of 0 means none. Kept in the run workflow's input, so a restarted host enforces the same limits.
/// </summary>
public sealed record RunBudget
{
    /// <summary>Input tokens of every model call of the run, planning included. Default 2,000,000.</summary>
    public long MaxInputTokens { get; init; } = 2_000_000;

    /// <summary>Output tokens of every model call of the run. Default 200,000.</summary>
    public long MaxOutputTokens { get; init; } = 200_000;

    /// <summary>Cost in US dollars by the price table (<c>Models:Prices</c>). Default 0: none.</summary>
    public double MaxCostUsd { get; init; }

    /// <summary>Model turns of one step; the Agents service's <c>Agents:MaxIterations</c> caps it too. Default 12.</summary>
    public int MaxModelTurnsPerStep { get; init; } = 12;

    /// <summary>Tool calls that ran, over the whole run. Default 200.</summary>
    public long MaxToolCalls { get; init; } = 200;

    /// <summary>From StartRun until the run ends, approval waits included. Default 48 hours (twice the default approval timeout).</summary>
    public TimeSpan MaxWallTime { get; init; } = TimeSpan.FromHours(48);

    /// <summary>No limit at all.</summary>
    public static RunBudget Unlimited { get; } = new() { MaxInputTokens = 0, MaxOutputTokens = 0, MaxModelTurnsPerStep = 0, MaxToolCalls = 0, MaxWallTime = TimeSpan.Zero };

    /// <summary>The problems of a configured budget: a negative limit (each names its setting).</summary>
    public IEnumerable<string> Problems()
    {
        foreach (var (name, value) in Limits())
        {
            if (value < 0 || double.IsNaN(value))
            {
                yield return $"Orchestrator:Budget:{name} must be 0 (no limit) or more, not {value}.";
            }
        }
    }

    /// <summary>
    /// This budget with each limit <paramref name="request"/> sets (non-zero) in its place. A request may only lower a
    /// limit: a value above a configured limit, or a negative one, is added to <paramref name="violations"/> as
    /// (<c>budget.&lt;field&gt;</c>, why).
    /// </summary>
    public RunBudget LoweredBy(Budget? request, List<(string Field, string Description)> violations)
    {
        if (request is null)
        {
            return this;
        }

        var wallTime = request.MaxWallTime?.ToTimeSpan() ?? TimeSpan.Zero;
        var lowered = this with
        {
            MaxInputTokens = (long)Lower("max_input_tokens", MaxInputTokens, request.MaxInputTokens),
            MaxOutputTokens = (long)Lower("max_output_tokens", MaxOutputTokens, request.MaxOutputTokens),
            MaxCostUsd = Lower("max_cost_usd", MaxCostUsd, request.MaxCostUsd),
            MaxModelTurnsPerStep = (int)Lower("max_model_turns_per_step", MaxModelTurnsPerStep, request.MaxModelTurnsPerStep),
            MaxToolCalls = (long)Lower("max_tool_calls", MaxToolCalls, request.MaxToolCalls),
            MaxWallTime = TimeSpan.FromSeconds(Lower("max_wall_time", MaxWallTime.TotalSeconds, wallTime.TotalSeconds)),
        };
        return lowered;

        double Lower(string field, double configured, double asked)
        {
            if (asked < 0 || double.IsNaN(asked) || double.IsInfinity(asked))
            {
                violations.Add(("budget." + field, $"budget.{field} must be 0 (the configured default) or more, not {asked}."));
                return configured;
            }

            if (asked > 0 && configured > 0 && asked > configured)
            {
                violations.Add(("budget." + field, $"budget.{field} may only lower the configured limit of {configured}, not raise it to {asked}."));
                return configured;
            }

            return asked > 0 ? asked : configured;
        }
    }

    /// <summary>The first of the run-wide budgets (tokens, cost, tool calls) that <paramref name="used"/> goes over, or null.</summary>
    public BudgetOverrun? FindOverrun(UsageTotals used, string stepId)
    {
        foreach (var (name, limit, amount) in new (string, double, double)[]
        {
            (BudgetNames.InputTokens, MaxInputTokens, used.InputTokens),
            (BudgetNames.OutputTokens, MaxOutputTokens, used.OutputTokens),
            (BudgetNames.CostUsd, MaxCostUsd, used.CostUsd),
            (BudgetNames.ToolCalls, MaxToolCalls, used.ToolCalls),
        })
        {
            if (limit > 0 && amount > limit)
            {
                return new BudgetOverrun(name, limit, amount, stepId);
            }
        }

        return null;
    }

    /// <summary>When a run started at <paramref name="startedAt"/> (UTC) runs out of wall time, or null without a wall-time limit.</summary>
    public DateTime? Deadline(DateTime startedAt) => MaxWallTime > TimeSpan.Zero ? startedAt + MaxWallTime : null;

    /// <summary>The wall-time overrun of a run started at <paramref name="startedAt"/> at <paramref name="now"/>, or null while it has time left.</summary>
    public BudgetOverrun? WallTimeOverrun(DateTime startedAt, DateTime now, string stepId)
        => Deadline(startedAt) is { } deadline && now >= deadline
            ? new BudgetOverrun(BudgetNames.WallTimeSeconds, MaxWallTime.TotalSeconds, Math.Round((now - startedAt).TotalSeconds, 3), stepId)
            : null;

    /// <summary>As the agentmesh.v1.Budget message.</summary>
    public Budget ToProto() => new()
    {
        MaxInputTokens = MaxInputTokens, MaxOutputTokens = MaxOutputTokens, MaxCostUsd = MaxCostUsd,
        MaxModelTurnsPerStep = MaxModelTurnsPerStep, MaxToolCalls = MaxToolCalls,
        MaxWallTime = MaxWallTime > TimeSpan.Zero ? Duration.FromTimeSpan(MaxWallTime) : null,
    };

    private IEnumerable<(string Name, double Value)> Limits() =>
    [
        (nameof(MaxInputTokens), MaxInputTokens), (nameof(MaxOutputTokens), MaxOutputTokens), (nameof(MaxCostUsd), MaxCostUsd),
        (nameof(MaxModelTurnsPerStep), MaxModelTurnsPerStep), (nameof(MaxToolCalls), MaxToolCalls), (nameof(MaxWallTime), MaxWallTime.TotalSeconds),
    ];
}
