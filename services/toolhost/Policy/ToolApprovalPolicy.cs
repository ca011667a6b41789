using System.Text.Json;
using System.Text.RegularExpressions;
using AgentMesh.Services.ToolHost.Catalog;
using AgentMesh.Services.ToolHost.Configuration;

namespace AgentMesh.Services.ToolHost.Policy;

/// <summary>
/// Decides whether a tool, or one call of it, needs a human approval. Order, first match wins:
/// 1. an <c>approval.require</c> pattern matches → every call is gated (an explicit requirement beats everything);
/// 2. one or more <c>approval.rules</c> match the tool → the rules decide per call: a call is gated exactly when a
///    matching rule's condition holds for its arguments, or cannot be evaluated for them (a missing argument, a
///    type that does not fit: gated, to be safe, with the error in the reason). The rules replace what follows
///    for that tool: a destructive tool under a rule runs without approval when no rule holds;
/// 3. an <c>approval.exempt</c> pattern matches → not required (an exemption beats the annotation);
/// 4. the tool's <c>readOnlyHint</c> is true → not required (the MCP spec gives <c>destructiveHint</c> meaning only
///    when <c>readOnlyHint</c> is false);
/// 5. the tool's <c>destructiveHint</c> → required when true, not when false;
/// 6. <c>destructiveHint</c> unset → <see cref="ToolPolicyOptions.AssumeDestructiveWhenUnset"/> (default true: the
///    MCP spec's default for <c>destructiveHint</c> is true, so an unannotated tool is gated).
/// Patterns are <c>server/tool</c>; <c>*</c> matches any characters except <c>/</c>; matching is ordinal.
/// </summary>
public sealed class ToolApprovalPolicy
{
    private readonly (string Pattern, Regex Regex)[] _require;
    private readonly (ToolApprovalRule Rule, Regex Regex)[] _rules;
    private readonly (string Pattern, Regex Regex)[] _exempt;
    private readonly bool _assumeDestructive;

    /// <summary>Compiles the patterns of <paramref name="options"/>.</summary>
    public ToolApprovalPolicy(ToolPolicyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _require = options.RequireApproval.Select(p => (p, ToRegex(p))).ToArray();
        _rules = options.ApprovalRules.Select(r => (r, ToRegex(r.Tool))).ToArray();
        _exempt = options.ExemptFromApproval.Select(p => (p, ToRegex(p))).ToArray();
        _assumeDestructive = options.AssumeDestructiveWhenUnset;
    }

    /// <summary>
    /// The verdict for <paramref name="tool"/> on <paramref name="server"/> given its annotations. For a tool under
    /// <c>approval.rules</c> it is required with <see cref="ToolApprovalVerdict.DependsOnArguments"/> set and a reason
    /// listing the rules (<c>per call: rule: …</c>): ask <see cref="EvaluateCall"/> for each call.
    /// </summary>
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

        var rules = RulesFor(id);
        if (rules.Count > 0)
        {
            return new ToolApprovalVerdict(true, "per call: " + string.Join("; ", rules.Select(r => $"rule: {r}")), DependsOnArguments: true);
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

    /// <summary>
    /// The verdict for one call of <paramref name="tool"/> with <paramref name="arguments"/> (a JSON object;
    /// undefined means <c>{}</c>): the tool's verdict (<see cref="Evaluate"/>) unless <c>approval.rules</c> decide.
    /// Then it is required when a matching rule holds (reason <c>rule: refunds/issue_refund when args.amount > 100</c>,
    /// the first in file order that holds) or cannot be evaluated (the reason adds why), and not required (reason null)
    /// when every matching rule is false.
    /// </summary>
    public ToolApprovalVerdict EvaluateCall(string server, string tool, ToolAnnotationsInfo annotations, JsonElement arguments)
    {
        var verdict = Evaluate(server, tool, annotations);
        if (!verdict.DependsOnArguments)
        {
            return verdict;
        }

        string? failure = null;
        foreach (var rule in RulesFor($"{server}/{tool}"))
        {
            try
            {
                if (rule.When.Holds(arguments))
                {
                    return new ToolApprovalVerdict(true, $"rule: {rule}", DependsOnArguments: true);
                }
            }
            catch (ArgumentConditionException e)
            {
                failure ??= $"rule: {rule} (cannot be evaluated for these arguments, so the call is gated: {e.Message})";
            }
        }

        return new ToolApprovalVerdict(failure is not null, failure, DependsOnArguments: true);
    }

    private List<ToolApprovalRule> RulesFor(string id) => _rules.Where(r => r.Regex.IsMatch(id)).Select(r => r.Rule).ToList();

    private static Regex ToRegex(string pattern)
        => new("^" + Regex.Escape(pattern).Replace(@"\*", "[^/]*", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant);
}
