using AgentMesh.Contracts.V1;

namespace AgentMesh.Models;

/// <summary>Adding up agentmesh.v1.Usage readings.</summary>
public static class UsageSums
{
    /// <summary>Adds <paramref name="part"/>'s tokens, cost and tool calls to <paramref name="total"/>.</summary>
    public static void Add(this Usage total, Usage part)
    {
        ArgumentNullException.ThrowIfNull(total);
        ArgumentNullException.ThrowIfNull(part);
        total.InputTokens += part.InputTokens;
        total.OutputTokens += part.OutputTokens;
        total.CachedInputTokens += part.CachedInputTokens;
        total.CostUsd += part.CostUsd;
        total.ToolCalls += part.ToolCalls;
    }
}
