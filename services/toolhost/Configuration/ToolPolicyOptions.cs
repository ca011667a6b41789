using AgentMesh.Services.ToolHost.Policy;

namespace AgentMesh.Services.ToolHost.Configuration;

/// <summary>
/// The AgentMesh section of the config file (<c>"agentmesh": {…}</c>): approval rules and timeouts.
/// Rules are <c>server/tool</c> patterns where <c>*</c> matches any run of characters other than
/// <c>/</c> (e.g. <c>memory/*</c>, <c>*/delete_*</c>). Precedence, see <see cref="ToolApprovalPolicy"/>:
/// an explicit <see cref="RequireApproval"/> rule wins over <see cref="ApprovalRules"/> (rules on arguments),
/// which win over <see cref="ExemptFromApproval"/>, which wins over the tool's <c>destructiveHint</c> annotation.
/// </summary>
public sealed record ToolPolicyOptions
{
    /// <summary>Default per-call timeout (<c>toolTimeoutSeconds</c>). Default 60 seconds.</summary>
    public TimeSpan ToolTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long starting and initializing one server may take (<c>connectTimeoutSeconds</c>). Default 30 seconds.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary><c>approval.require</c>: tools always gated behind a human approval. Default empty.</summary>
    public IReadOnlyList<string> RequireApproval { get; init; } = [];

    /// <summary>
    /// <c>approval.rules</c>: rules on arguments, in file order (<c>{"tool": "refunds/issue_refund", "when": "args.amount > 100"}</c>);
    /// a tool matched by one or more is gated per call, exactly when a matching rule holds. Default empty.
    /// </summary>
    public IReadOnlyList<ToolApprovalRule> ApprovalRules { get; init; } = [];

    /// <summary><c>approval.exempt</c>: tools never gated, even when annotated destructive. Default empty.</summary>
    public IReadOnlyList<string> ExemptFromApproval { get; init; } = [];

    /// <summary>
    /// <c>approval.assumeDestructive</c>: whether a tool that is not read-only and leaves <c>destructiveHint</c> unset is
    /// gated. Default true, because the MCP spec's default for <c>destructiveHint</c> is true.
    /// </summary>
    public bool AssumeDestructiveWhenUnset { get; init; } = true;
}
