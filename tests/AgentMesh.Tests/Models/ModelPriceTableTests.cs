using AgentMesh.Contracts.V1;
using AgentMesh.Models;
using Microsoft.Extensions.AI;

namespace AgentMesh.Tests.Models;

public sealed class ModelPriceTableTests
{
    private static readonly ModelPriceTable Table = new(new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase)
    {
        ["gpt-4o"] = new() { Input = 2.5, CachedInput = 1.25, Output = 10 },
        ["gpt-4o-mini"] = new() { Input = 0.15, Output = 0.6 },
    });

    [Fact]
    public void A_model_is_priced_per_million_tokens_with_cached_input_at_its_own_rate()
        => Assert.Equal((600_000 * 2.5 + 400_000 * 1.25 + 100_000 * 10) / 1_000_000d, Table.Cost("gpt-4o", 1_000_000, 400_000, 100_000));

    [Fact]
    public void A_dated_snapshot_takes_the_longest_matching_family_and_an_unknown_model_has_no_price()
    {
        Assert.Equal(0.15 + 0.6, Table.Cost("gpt-4o-mini-2024-07-18", 1_000_000, 0, 1_000_000));
        Assert.Equal(2.5, Table.Cost("GPT-4o-2024-08-06", 1_000_000, 0, 0));
        // Without a cached-input price, cached tokens cost the input price.
        Assert.Equal(0.15, Table.Cost("gpt-4o-mini", 1_000_000, 1_000_000, 0));
        Assert.Null(Table.Cost("gpt-4", 1, 0, 1));
        Assert.Null(Table.Cost("gpt-4oo", 1, 0, 1));
        Assert.Null(Table.Cost(null, 1, 0, 1));
    }

    [Fact]
    public void Measure_reads_a_responses_usage_and_costs_an_unpriced_model_nothing()
    {
        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, "hi"))
        {
            ModelId = "gpt-4o",
            Usage = new UsageDetails { InputTokenCount = 1000, CachedInputTokenCount = 200, OutputTokenCount = 50 },
        };
        Assert.Equal(new Usage { InputTokens = 1000, OutputTokens = 50, CachedInputTokens = 200, CostUsd = (800 * 2.5 + 200 * 1.25 + 50 * 10) / 1_000_000d }, Table.Measure(response));
        response.ModelId = "llama3";
        Assert.Equal(0, Table.Measure(response).CostUsd);
    }
}
