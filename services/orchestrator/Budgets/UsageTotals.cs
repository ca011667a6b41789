using AgentMesh.Contracts.V1;

namespace AgentMesh.Services.Orchestrator.Budgets;

/// <summary>What a run or a step used (agentmesh.v1.Usage in a JSON-friendly shape for workflow history).</summary>
public sealed record UsageTotals(long InputTokens, long OutputTokens, long CachedInputTokens, double CostUsd, long ToolCalls)
{
    public static UsageTotals Zero { get; } = new(0, 0, 0, 0, 0);

    public UsageTotals Add(UsageTotals other) => new(
        InputTokens + other.InputTokens, OutputTokens + other.OutputTokens, CachedInputTokens + other.CachedInputTokens,
        CostUsd + other.CostUsd, ToolCalls + other.ToolCalls);

    /// <summary>This usage less <paramref name="other"/> (what was added since <paramref name="other"/> was read).</summary>
    public UsageTotals Subtract(UsageTotals other) => new(
        InputTokens - other.InputTokens, OutputTokens - other.OutputTokens, CachedInputTokens - other.CachedInputTokens,
        CostUsd - other.CostUsd, ToolCalls - other.ToolCalls);

    public Usage ToProto() => new()
    {
        InputTokens = InputTokens, OutputTokens = OutputTokens, CachedInputTokens = CachedInputTokens, CostUsd = CostUsd, ToolCalls = ToolCalls,
    };

    public static UsageTotals FromProto(Usage? usage)
        => usage is null ? Zero : new(usage.InputTokens, usage.OutputTokens, usage.CachedInputTokens, usage.CostUsd, usage.ToolCalls);

    /// <summary>Usage only grows: of two readings of one run, the larger of each count.</summary>
    public static Usage Larger(Usage? stored, Usage update)
        => stored is null ? update : new Usage
        {
            InputTokens = Math.Max(stored.InputTokens, update.InputTokens),
            OutputTokens = Math.Max(stored.OutputTokens, update.OutputTokens),
            CachedInputTokens = Math.Max(stored.CachedInputTokens, update.CachedInputTokens),
            CostUsd = Math.Max(stored.CostUsd, update.CostUsd),
            ToolCalls = Math.Max(stored.ToolCalls, update.ToolCalls),
        };
}
