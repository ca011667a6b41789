using System.Text.RegularExpressions;
using AgentMesh.Services.ToolHost.Catalog;
using AgentMesh.Services.ToolHost.Configuration;

namespace AgentMesh.Services.ToolHost.Policy;

/// <summary>
/// Decides whether a tool needs a human approval. Order, first match wins:
/// 1. an <c>approval.require</c> pattern matches → required (an explicit rule beats an exemption);
/// 2. an <c>approval.exempt</c> pattern matches → not required (an exemption beats the annotation);
/// 3. the tool's <c>readOnlyHint</c> is true → not required (the MCP spec gives <c>destructiveHint</c> meaning only
///    when <c>readOnlyHint</c> is false);
/// 4. the tool's <c>destructiveHint</c> → required when true, not when false;
/// 5. <c>destructiveHint</c> unset → <see cref="ToolPolicyOptions.AssumeDestructiveWhenUnset"/> (default true: the
///    MCP spec's default for <c>destructiveHint</c> is true, so an unannotated tool is gated).
/// Patterns are <c>server/tool</c>; <c>*</c> matches any characters except <c>/</c>; matching is ordinal.
/// </summary>
public sealed class ToolApprovalPolicy
{
    private readonly (string Pattern, Regex Regex)[] _require;
    private readonly (string Pattern, Regex Regex)[] _exempt;
    private readonly bool _assumeDestructive;

    /// <summary>Compiles the patterns of <paramref name="options"/>.</summary>
    public ToolApprovalPolicy(ToolPolicyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _require = options.RequireApproval.Select(p => (p, ToRegex(p))).ToArray();
        _exempt = options.ExemptFromApproval.Select(p => (p, ToRegex(p))).ToArray();
        _assumeDestructive = options.AssumeDestructiveWhenUnset;
    }

    /// <summary>The verdict for <paramref name="tool"/> on <paramref name="server"/> given its annotations.</summary>
    public ToolApprovalVerdict Evaluate(string server, string tool, ToolAnnotationsInfo annotations)
    {
        var id = $"{server}/{tool}";
        foreach (var (pattern, regex) in _require)
        {
            if (regex.IsMatch(id))
            {
                return new ToolApprovalVerdict(true, $"rule: {pattern}");
            }
        }

        foreach (var (pattern, regex) in _exempt)
        {
            if (regex.IsMatch(id))
            {
                return new ToolApprovalVerdict(false, $"exempt: {pattern}");
            }
        }

        return annotations switch
        {
            { ReadOnlyHint: true } => new ToolApprovalVerdict(false, null),
            { DestructiveHint: true } => new ToolApprovalVerdict(true, "annotation destructiveHint=true"),
            { DestructiveHint: false } => new ToolApprovalVerdict(false, null),
            _ when _assumeDestructive => new ToolApprovalVerdict(true, "destructiveHint unset (assumed destructive, the MCP default)"),
            _ => new ToolApprovalVerdict(false, null),
        };
    }

    private static Regex ToRegex(string pattern)
        => new("^" + Regex.Escape(pattern).Replace(@"\*", "[^/]*", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant);
}
