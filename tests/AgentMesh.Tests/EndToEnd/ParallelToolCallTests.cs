using System.Text.Json.Nodes;
using AgentMesh.Contracts.V1;

namespace AgentMesh.Tests.EndToEnd;

/// <summary>
/// The tool calls of one model turn on the all-in-one host, against the real probe MCP server (its <c>sleep</c>
/// is read-only, its <c>fail</c> is neither read-only nor destructive): all read-only, they run at once; one
/// that is not, they run in order. Either way the results go back to the model in its order.
/// </summary>
public sealed class ParallelToolCallTests
{
    [Fact]
    public async Task Read_only_calls_of_one_turn_run_at_once_and_answer_in_the_models_order()
    {
        var (events, transcript) = await ProbeRun.RunTurnAsync(
            null,
            ("c1", "probe__sleep", new JsonObject { ["ms"] = 800 }),
            ("c2", "probe__sleep", new JsonObject { ["ms"] = 10 }));

        AssertRanAtOnce(ProbeRun.ToolOrder(events));
        Assert.Equal(["c1", "c2"], transcript.Select(t => t.Id));
    }

    [Fact]
    public async Task A_tool_listed_in_Agents_ConcurrentTools_runs_alongside_read_only_calls()
    {
        var (events, transcript) = await ProbeRun.RunTurnAsync(
            new() { ["Agents:ConcurrentTools:0"] = "probe/fail" },
            ("c1", "probe__sleep", new JsonObject { ["ms"] = 800 }),
            ("c2", "probe__fail", new JsonObject()));

        AssertRanAtOnce(ProbeRun.ToolOrder(events));
        Assert.Equal(["c1", "c2"], transcript.Select(t => t.Id));
    }

    [Fact]
    public async Task A_turn_with_a_call_that_is_not_read_only_runs_its_calls_in_order()
    {
        var (events, transcript) = await ProbeRun.RunTurnAsync(
            null,
            ("c1", "probe__sleep", new JsonObject { ["ms"] = 300 }),
            ("c2", "probe__fail", new JsonObject()));

        Assert.Equal(["start c1", "done c1", "start c2", "done c2"], ProbeRun.ToolOrder(events));
        Assert.Equal(["c1", "c2"], transcript.Select(t => t.Id));
    }

    /// <summary>Both calls started before either finished (in order, the second would start only after the first's result).</summary>
    private static void AssertRanAtOnce(List<string> order)
    {
        Assert.Equal(4, order.Count);
        Assert.Equal(["start c1", "start c2"], order.Take(2).Order());
        Assert.Equal(["done c1", "done c2"], order.Skip(2).Order());
    }
}
