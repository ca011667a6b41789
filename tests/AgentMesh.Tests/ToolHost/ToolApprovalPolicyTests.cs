using AgentMesh.Services.ToolHost.Catalog;
using AgentMesh.Services.ToolHost.Configuration;
using AgentMesh.Services.ToolHost.Policy;
using Xunit;

namespace AgentMesh.Tests.ToolHost;

public sealed class ToolApprovalPolicyTests
{
    private static readonly ToolApprovalPolicy Policy = new(new ToolPolicyOptions
    {
        RequireApproval = ["fs/write_file", "*/delete_*"],
        ExemptFromApproval = ["memory/*", "fs/write_file", "fs/edit_file"],
    });

    private static readonly ToolAnnotationsInfo Destructive = new(DestructiveHint: true);

    [Fact]
    public void Explicit_require_wins_over_exemption()
        => Assert.Equal(new ToolApprovalVerdict(true, "rule: fs/write_file"), Policy.Evaluate("fs", "write_file", Destructive));

    [Fact]
    public void Wildcard_require_matches_within_a_segment()
    {
        Assert.Equal(new ToolApprovalVerdict(true, "rule: */delete_*"), Policy.Evaluate("memory", "delete_entities", ToolAnnotationsInfo.None));
        Assert.False(Policy.Evaluate("fs", "undelete_x", new ToolAnnotationsInfo(DestructiveHint: false)).RequiresApproval);
    }

    [Fact]
    public void Exemption_wins_over_destructive_annotation()
        => Assert.Equal(new ToolApprovalVerdict(false, "exempt: fs/edit_file"), Policy.Evaluate("fs", "edit_file", Destructive));

    [Fact]
    public void Destructive_annotation_requires_approval_and_false_or_read_only_does_not()
    {
        Assert.Equal(new ToolApprovalVerdict(true, "annotation destructiveHint=true"), Policy.Evaluate("fs", "move_file", Destructive));
        Assert.Equal(new ToolApprovalVerdict(false, null), Policy.Evaluate("fs", "mkdir", new ToolAnnotationsInfo(DestructiveHint: false)));
        // destructiveHint means something only when readOnlyHint is false (MCP spec).
        Assert.Equal(new ToolApprovalVerdict(false, null), Policy.Evaluate("fs", "read_file", new ToolAnnotationsInfo(ReadOnlyHint: true, DestructiveHint: true)));
    }

    [Fact]
    public void An_unset_destructive_hint_is_assumed_destructive_unless_configured_otherwise()
    {
        Assert.Equal(
            new ToolApprovalVerdict(true, "destructiveHint unset (assumed destructive, the MCP default)"),
            Policy.Evaluate("fs", "move_file", ToolAnnotationsInfo.None));
        Assert.True(Policy.Evaluate("fs", "move_file", new ToolAnnotationsInfo(ReadOnlyHint: false)).RequiresApproval);

        var trusting = new ToolApprovalPolicy(new ToolPolicyOptions { AssumeDestructiveWhenUnset = false });
        Assert.Equal(new ToolApprovalVerdict(false, null), trusting.Evaluate("fs", "move_file", ToolAnnotationsInfo.None));
    }
}
