namespace AgentMesh.Services.Agents.Roles;

/// <summary>
/// The tools each role may see and call (<see cref="AgentsOptions.ToolAllowlists"/>), as <see cref="ToolPatterns"/>.
/// A role with no list may use every tool; a role with an empty list may use none.
/// </summary>
public sealed class ToolAllowlist
{
    private readonly Dictionary<string, ToolPatterns> _byRole;

    /// <summary>Compiles <paramref name="allowlists"/> (role → patterns). Throws <see cref="ArgumentException"/> naming a pattern that is not <c>server/tool</c>.</summary>
    public ToolAllowlist(IReadOnlyDictionary<string, List<string>> allowlists)
        => _byRole = allowlists.ToDictionary(a => a.Key, a => new ToolPatterns(a.Value, $"Agents:ToolAllowlists:{a.Key}"), StringComparer.Ordinal);

    /// <summary>Whether <paramref name="role"/> may see and call <paramref name="tool"/> on <paramref name="server"/>.</summary>
    public bool Allows(string role, string server, string tool)
        => !_byRole.TryGetValue(role, out var patterns) || patterns.Matches(server, tool);
}
