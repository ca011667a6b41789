using System.Text.RegularExpressions;

namespace AgentMesh.Services.Agents.Roles;

/// <summary>
/// A set of <c>server/tool</c> patterns in which <c>*</c> matches any characters except <c>/</c> (the ToolHost's
/// approval-rule syntax), e.g. <c>filesystem/read_*</c>, <c>refunds/*</c>.
/// </summary>
public sealed class ToolPatterns
{
    private readonly Regex[] _patterns;

    /// <summary>Compiles <paramref name="patterns"/>. Throws <see cref="ArgumentException"/> naming <paramref name="setting"/> and the first pattern that is not <c>server/tool</c>.</summary>
    public ToolPatterns(IEnumerable<string> patterns, string setting)
        => _patterns = patterns.Select(p => Problem(p) is { } problem
            ? throw new ArgumentException($"{setting}: {problem}.")
            : new Regex("^" + Regex.Escape(p).Replace(@"\*", "[^/]*", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant)).ToArray();

    /// <summary>The problem with <paramref name="pattern"/>, or null when it is a valid <c>server/tool</c> pattern.</summary>
    public static string? Problem(string pattern)
    {
        var slash = pattern.IndexOf('/');
        return slash <= 0 || slash == pattern.Length - 1 || pattern.IndexOf('/', slash + 1) >= 0
            ? $"\"{pattern}\" is not a server/tool pattern (e.g. \"filesystem/read_*\", \"refunds/*\")"
            : null;
    }

    /// <summary>Whether a pattern matches <paramref name="tool"/> on <paramref name="server"/>.</summary>
    public bool Matches(string server, string tool) => _patterns.Any(p => p.IsMatch($"{server}/{tool}"));
}

/// <summary>The tools that may run alongside the other calls of their turn although not read-only (<see cref="AgentsOptions.ConcurrentTools"/>).</summary>
public sealed record ConcurrentTools(ToolPatterns Patterns);
