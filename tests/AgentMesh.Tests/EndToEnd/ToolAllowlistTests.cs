using System.Text.Json.Nodes;
using AgentMesh.Services.Agents.Roles;

namespace AgentMesh.Tests.EndToEnd;

/// <summary>Per-role tool allowlists (Agents:ToolAllowlists), on the all-in-one host against the real probe MCP server.</summary>
public sealed class ToolAllowlistTests
{
    [Fact]
    public async Task A_role_cannot_call_a_tool_outside_its_allowlist_and_the_model_is_told_it_does_not_exist()
    {
        var (events, transcript) = await ProbeRun.RunTurnAsync(
            new() { ["Agents:ToolAllowlists:researcher:0"] = "probe/s*" },
            ("c1", "probe__fail", new JsonObject()),
            ("c2", "probe__sleep", new JsonObject { ["ms"] = 10 }));

        Assert.Equal(["start c2", "done c2"], ProbeRun.ToolOrder(events));
        Assert.Contains("there is no tool named \"probe__fail\"", transcript[0].Text, StringComparison.Ordinal);
        Assert.Contains("slept 10 ms", transcript[1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Patterns_match_within_a_segment_and_unlisted_roles_use_every_tool()
    {
        var allowlist = new ToolAllowlist(new Dictionary<string, List<string>> { ["researcher"] = ["filesystem/read_*", "memory/*"], ["writer"] = [] });

        Assert.True(allowlist.Allows("researcher", "filesystem", "read_text_file"));
        Assert.False(allowlist.Allows("researcher", "filesystem", "write_file"));
        Assert.True(allowlist.Allows("researcher", "memory", "create_entities"));
        Assert.False(allowlist.Allows("writer", "memory", "read_graph"));
        Assert.True(allowlist.Allows("analyst", "filesystem", "write_file"));
    }

    [Theory]
    [InlineData("read_file")]
    [InlineData("filesystem/")]
    [InlineData("a/b/c")]
    public void A_pattern_that_is_not_server_slash_tool_is_refused_naming_the_role(string pattern)
    {
        var error = Assert.Throws<ArgumentException>(() => new ToolAllowlist(new Dictionary<string, List<string>> { ["researcher"] = [pattern] }));

        Assert.Contains("Agents:ToolAllowlists:researcher", error.Message, StringComparison.Ordinal);
        Assert.NotNull(ToolPatterns.Problem(pattern));
    }
}
