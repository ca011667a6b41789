using AgentMesh.Contracts.V1;
using AgentMesh.Telemetry;
using Microsoft.Extensions.AI;

namespace AgentMesh.Models;

/// <summary>
/// The configured price table (<see cref="ModelProviderOptions.Prices"/>): turns a model call's token counts into
/// US dollars. A model id is looked up exactly (ignoring case), else by the longest configured name it starts
/// with followed by <c>-</c>, so a price for <c>gpt-4o</c> also prices a dated snapshot such as <c>gpt-4o-2024-08-06</c>.
/// </summary>
public sealed class ModelPriceTable(IReadOnlyDictionary<string, ModelPrice> prices)
{
    /// <summary>Whether any price is configured.</summary>
    public bool IsEmpty => prices.Count == 0;

    /// <summary>
    /// The cost in US dollars of <paramref name="inputTokens"/> input tokens (of which <paramref name="cachedInputTokens"/>
    /// came from the prompt cache) and <paramref name="outputTokens"/> output tokens on <paramref name="modelId"/>;
    /// <c>null</c> when the table has no price for it.
    /// </summary>
    public double? Cost(string? modelId, long inputTokens, long cachedInputTokens, long outputTokens)
    {
        if (Find(modelId) is not { } price)
        {
            return null;
        }

        var cached = Math.Clamp(cachedInputTokens, 0, inputTokens);
        return ((inputTokens - cached) * price.Input + cached * (price.CachedInput ?? price.Input) + outputTokens * price.Output) / 1_000_000d;
    }

    /// <summary>
    /// What the model call of <paramref name="response"/> used: its tokens (cached input is part of input) and their cost
    /// (0 for a model without a price), which also goes to the <c>agentmesh.cost</c> metric.
    /// </summary>
    public Usage Measure(ChatResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var input = response.Usage?.InputTokenCount ?? 0;
        var output = response.Usage?.OutputTokenCount ?? 0;
        var cached = response.Usage?.CachedInputTokenCount ?? 0;
        var cost = Cost(response.ModelId, input, cached, output) ?? 0;
        MeshMetrics.ModelCost(cost, response.ModelId ?? "");
        return new Usage { InputTokens = input, OutputTokens = output, CachedInputTokens = cached, CostUsd = cost };
    }

    private ModelPrice? Find(string? modelId)
    {
        if (string.IsNullOrEmpty(modelId))
        {
            return null;
        }

        ModelPrice? best = null;
        var bestLength = -1;
        foreach (var (name, price) in prices)
        {
            if (string.Equals(name, modelId, StringComparison.OrdinalIgnoreCase))
            {
                return price;
            }

            if (name.Length > bestLength && modelId.Length > name.Length && modelId[name.Length] == '-'
                && modelId.StartsWith(name, StringComparison.OrdinalIgnoreCase))
            {
                (best, bestLength) = (price, name.Length);
            }
        }

        return best;
    }
}
