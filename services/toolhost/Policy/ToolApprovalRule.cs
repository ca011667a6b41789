namespace AgentMesh.Services.ToolHost.Policy;

/// <summary>
/// An approval rule on arguments (<c>agentmesh.approval.rules[i]</c>): a call of a tool matching
/// <paramref name="Tool"/> is gated when <paramref name="When"/> holds for the call's arguments.
/// </summary>
/// <param name="Tool">A <c>server/tool</c> pattern; <c>*</c> matches any characters except <c>/</c>.</param>
/// <param name="When">The condition on the call's arguments.</param>
public sealed record ToolApprovalRule(string Tool, ArgumentCondition When)
{
    /// <summary>The rule as approval reasons name it: <c>refunds/issue_refund when args.amount > 100</c>.</summary>
    public override string ToString() => $"{Tool} when {When.Text}";
}
