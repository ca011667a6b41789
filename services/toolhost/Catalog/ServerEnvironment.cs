using System.Collections;
using AgentMesh.Services.ToolHost.Configuration;

namespace AgentMesh.Services.ToolHost.Catalog;

/// <summary>
/// The environment a stdio MCP server starts with: the variables its config entry names (<c>env</c>), plus the few
/// the operating system and runtimes need to start a process (<see cref="Inherited"/>), and nothing else of the
/// ToolHost's own environment, so model keys, tokens and other secrets of the host never reach a server.
/// </summary>
internal static class ServerEnvironment
{
    /// <summary>Host variables a server inherits: the search path, home and temp folders, locale, and what Windows and .NET need to start.</summary>
    public static readonly IReadOnlySet<string> Inherited = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "PATH", "HOME", "TMPDIR", "TMP", "TEMP", "LANG", "LC_ALL", "SystemRoot", "DOTNET_ROOT",
    };

    /// <summary>The variables to set for <paramref name="entry"/>'s process: its own, and null (removed) for every other host variable not inherited.</summary>
    public static Dictionary<string, string?> For(McpServerEntry entry)
    {
        var variables = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            var name = (string)variable.Key;
            if (!Inherited.Contains(name))
            {
                variables[name] = null;
            }
        }

        foreach (var (name, value) in entry.Environment)
        {
            variables[name] = value;
        }

        return variables;
    }
}
