using System.Text.Json;
using AgentMesh.Services.ToolHost.Catalog;
using AgentMesh.Services.ToolHost.Configuration;
using AgentMesh.Services.ToolHost.Policy;
using Xunit;

namespace AgentMesh.Tests.ToolHost;

/// <summary>Approval rules on arguments (<c>approval.rules</c>) and their place in the policy's precedence.</summary>
public sealed class ToolApprovalRuleTests
{
    private static readonly ToolApprovalPolicy Policy = new(new ToolPolicyOptions
    {
        RequireApproval = ["refunds/delete_*"],
        ApprovalRules =
        [
            new ToolApprovalRule("refunds/issue_refund", ArgumentCondition.Parse("args.amount > 100")),
            new ToolApprovalRule("refunds/*", ArgumentCondition.Parse("args.currency != 'EUR'")),
        ],
        ExemptFromApproval = ["refunds/*"],
    });

    private static readonly ToolAnnotationsInfo Destructive = new(DestructiveHint: true);

    private static ToolApprovalVerdict Call(string tool, object arguments)
        => Policy.EvaluateCall("refunds", tool, Destructive, JsonSerializer.SerializeToElement(arguments));

    [Fact]
    public void A_tool_under_rules_is_listed_as_gated_per_call_with_its_rules()
        => Assert.Equal(
            new ToolApprovalVerdict(true, "per call: rule: refunds/issue_refund when args.amount > 100; rule: refunds/* when args.currency != 'EUR'", DependsOnArguments: true),
            Policy.Evaluate("refunds", "issue_refund", Destructive));

    [Fact]
    public void A_call_is_gated_exactly_when_a_matching_rule_holds_and_the_reason_names_the_first()
    {
        Assert.Equal(new ToolApprovalVerdict(true, "rule: refunds/issue_refund when args.amount > 100", true), Call("issue_refund", new { amount = 149.0, currency = "EUR" }));
        Assert.Equal(new ToolApprovalVerdict(true, "rule: refunds/* when args.currency != 'EUR'", true), Call("issue_refund", new { amount = 20, currency = "USD" }));
        // The rules replace the annotation: a destructive tool runs without approval when no rule holds.
        Assert.Equal(new ToolApprovalVerdict(false, null, true), Call("issue_refund", new { amount = 20, currency = "EUR" }));
    }

    [Fact]
    public void A_rule_that_cannot_be_evaluated_gates_the_call_and_says_why()
    {
        var verdict = Call("issue_refund", new { currency = "EUR" });
        Assert.True(verdict.RequiresApproval);
        Assert.StartsWith("rule: refunds/issue_refund when args.amount > 100 (cannot be evaluated for these arguments, so the call is gated: ", verdict.Reason);
        Assert.Contains("'amount'", verdict.Reason);
    }

    [Fact]
    public void Require_beats_rules_and_rules_beat_exempt()
    {
        Assert.Equal(new ToolApprovalVerdict(true, "rule: refunds/delete_*"), Call("delete_all", new { amount = 1, currency = "EUR" }));
        Assert.True(Policy.Evaluate("refunds", "list", ToolAnnotationsInfo.None).DependsOnArguments);
        Assert.False(Call("list", new { currency = "EUR" }).RequiresApproval);
        Assert.Equal(new ToolApprovalVerdict(false, "exempt: refunds/*"), new ToolApprovalPolicy(new ToolPolicyOptions { ExemptFromApproval = ["refunds/*"] }).Evaluate("refunds", "list", Destructive));
    }

    [Fact]
    public void A_tool_without_rules_gets_its_listed_verdict_for_every_call()
    {
        var verdict = Policy.EvaluateCall("shop", "cancel_order", Destructive, JsonSerializer.SerializeToElement(new { amount = 1000 }));
        Assert.Equal(new ToolApprovalVerdict(true, "annotation destructiveHint=true"), verdict);
    }
}
