namespace AgentMesh.Services.Agents.Roles;

/// <summary>
/// The agent roles, one Markdown file per role (<c>&lt;role&gt;.md</c>): an optional front matter
/// block (<c>---</c> lines) with <c>description: …</c> and optionally <c>capabilities: a, b</c>, then the system prompt. A role may declare the JSON Schema of
/// its final answer in <c>&lt;role&gt;.schema.json</c> beside it (structured output, <see cref="OutputSchema"/>).
/// </summary>
public sealed class AgentRoleCatalog
{
    private readonly Dictionary<string, AgentRole> _roles;

    private AgentRoleCatalog(Dictionary<string, AgentRole> roles) => _roles = roles;

    /// <summary>The folder of the built-in prompts, copied next to the assembly.</summary>
    public static string DefaultDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "prompts");

    public IReadOnlyCollection<AgentRole> Roles => _roles.Values;

    public IReadOnlyCollection<string> Names => _roles.Keys;

    /// <summary>Loads every <c>*.md</c> file of <paramref name="directory"/> and its schema, if any. Throws <see cref="InvalidOperationException"/> when the folder is missing, holds no role, or a schema is not a JSON Schema.</summary>
    public static AgentRoleCatalog Load(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new InvalidOperationException($"Agent role folder '{directory}' does not exist (setting Agents:PromptsDirectory).");
        }

        var roles = new Dictionary<string, AgentRole>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(directory, "*.md").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            var (description, capabilities, prompt) = Split(File.ReadAllText(file));
            var schemaFile = Path.Combine(directory, name + ".schema.json");
            roles[name] = new AgentRole(name, description, prompt, File.Exists(schemaFile) ? OutputSchema.Load(schemaFile) : null)
            {
                Capabilities = capabilities,
            };
        }

        if (roles.Count == 0)
        {
            throw new InvalidOperationException($"Agent role folder '{directory}' has no <role>.md files.");
        }

        return new AgentRoleCatalog(roles);
    }

    /// <summary>The role named <paramref name="name"/>, or null.</summary>
    public AgentRole? Find(string name) => _roles.GetValueOrDefault(name);

    private static (string Description, HashSet<string> Capabilities, string Prompt) Split(string text)
    {
        var capabilities = new HashSet<string>(StringComparer.Ordinal);
        var lines = text.Replace("\r\n", "\n").Split('\n');
        if (lines.Length == 0 || lines[0].Trim() != "---")
        {
            return ("", capabilities, text.Trim());
        }

        var description = "";
        var end = 1;
        for (; end < lines.Length && lines[end].Trim() != "---"; end++)
        {
            var colon = lines[end].IndexOf(':');
            if (colon <= 0)
            {
                continue;
            }

            var (key, value) = (lines[end][..colon].Trim(), lines[end][(colon + 1)..].Trim());
            if (key == "description")
            {
                description = value;
            }
            else if (key == "capabilities")
            {
                capabilities.UnionWith(value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            }
        }

        return (description, capabilities, string.Join('\n', lines.Skip(end + 1)).Trim());
    }
}
