namespace AgentMesh.Services.ToolHost.Policy;

/// <summary>Whether calls of a tool, or one call, wait for a human approval, and why.</summary>
/// <param name="RequiresApproval">
/// True when the call is gated behind an approval; for a tool, when every call is, or some calls are
/// (<paramref name="DependsOnArguments"/>).
/// </param>
/// <param name="Reason">
/// Why: <c>rule: filesystem/write_file</c> (an <c>approval.require</c> pattern),
/// <c>rule: refunds/issue_refund when args.amount > 100</c> (an <c>approval.rules</c> entry that holds for a call),
/// <c>annotation destructiveHint=true</c>, or, when not required,
/// <c>exempt: memory/*</c> (an <c>approval.exempt</c> pattern) or null (nothing gates it).
/// </param>
/// <param name="DependsOnArguments">
/// True when <c>approval.rules</c> decide: for a tool, each call's verdict comes from
/// <see cref="ToolApprovalPolicy.EvaluateCall"/> with its arguments; for a call, this verdict is the rules' one.
/// </param>
public sealed record ToolApprovalVerdict(bool RequiresApproval, string? Reason, bool DependsOnArguments = false);
