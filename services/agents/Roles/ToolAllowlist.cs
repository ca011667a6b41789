using System.Text.RegularExpressions;

namespace AgentMesh.Services.Agents.Roles;

/// <summary>
/// The tools each role may see and call (<see cref="AgentsOptions.ToolAllowlists"/>): <c>server/tool</c> patterns
/// in which <c>*</c> matches any characters except <c>/</c> (the ToolHost's approval-rule syntax). A role with no
/// list may use every tool; a role with an empty list may use none.
/// </summary>
public sealed class ToolAllowlist
{
    private readonly Dictionary<string, Regex[]> _byRole;

    /// <summary>Compiles <paramref name="allowlists"/> (role → patterns). Throws <see cref="ArgumentException"/> naming a pattern that is not <c>server/tool</c>.</summary>
    public ToolAllowlist(IReadOnlyDictionary<string, List<string>> allowlists)
    {
        _byRole = new(StringComparer.Ordinal);
        foreach (var (role, patterns) in allowlists)
            _byRole[role] = patterns.Select(p => Compile(role, p)).ToArray();
    }

    /// <summary>The problem with <paramref name="pattern"/>, or null when it is a valid <c>server/tool</c> pattern.</summary>
    public static string? Problem(string pattern)
    {
        var slash = pattern.IndexOf('/');
        return slash <= 0 || slash == pattern.Length - 1 || pattern.IndexOf('/', slash + 1) >= 0
            ? $"\"{pattern}\" is not a server/tool pattern (e.g. \"filesystem/read_*\", \"refunds/*\")"
            : null;
    }

    /// <summary>Whether <paramref name="role"/> may see and call <paramref name="tool"/> on <paramref name="server"/>.</summary>
    public bool Allows(string role, string server, string tool)
        => !_byRole.TryGetValue(role, out var patterns) || patterns.Any(p => p.IsMatch($"{server}/{tool}"));

    private static Regex Compile(string role, string pattern)
        => Problem(pattern) is { } problem
            ? throw new ArgumentException($"Agents:ToolAllowlists:{role}: {problem}.")
            : new Regex("^" + Regex.Escape(pattern).Replace(@"\*", "[^/]*", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant);
}
