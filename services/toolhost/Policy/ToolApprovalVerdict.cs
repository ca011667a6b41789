namespace AgentMesh.Services.ToolHost.Policy;

/// <summary>Whether calls of a tool wait for a human approval, and why.</summary>
/// <param name="RequiresApproval">True when every call is gated behind an approval.</param>
/// <param name="Reason">
/// Why: <c>rule: filesystem/write_file</c> (an <c>approval.require</c> pattern),
/// <c>annotation destructiveHint=true</c>, or, when not required,
/// <c>exempt: memory/*</c> (an <c>approval.exempt</c> pattern) or null (nothing gates it).
/// </param>
public sealed record ToolApprovalVerdict(bool RequiresApproval, string? Reason);
