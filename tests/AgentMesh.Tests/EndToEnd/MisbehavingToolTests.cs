using System.Text.Json.Nodes;

namespace AgentMesh.Tests.EndToEnd;

/// <summary>Tools that misbehave during a run: the step goes on and the model is told (real probe MCP server).</summary>
public sealed class MisbehavingToolTests
{
    [Fact]
    public async Task A_server_that_never_answers_times_out_and_the_model_gets_an_error_result()
    {
        var (events, transcript) = await ProbeRun.RunTurnAsync(
            null,
            ("c1", "probe__sleep", new JsonObject { ["ms"] = (ProbeRun.ToolTimeoutSeconds + 30) * 1000 }));

        var completed = Assert.Single(events, e => e.ToolCallCompleted is not null).ToolCallCompleted;
        Assert.True(completed.IsError);
        Assert.Contains("DeadlineExceeded", transcript[0].Text, StringComparison.Ordinal);
        Assert.Single(events, e => e.StepCompleted is not null);
    }
}
