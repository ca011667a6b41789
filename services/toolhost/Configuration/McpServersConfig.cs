using System.Text.Json;

namespace AgentMesh.Services.ToolHost.Configuration;

/// <summary>
/// The ToolHost's configuration file: the <c>mcpServers</c> object MCP hosts use, plus an optional
/// <c>agentmesh</c> section for policy. Example:
/// <code>
/// {
///   "mcpServers": {
///     "filesystem": { "command": "node", "args": ["${CONFIG_DIR}/node_modules/@modelcontextprotocol/server-filesystem/dist/index.js", "${WORKSPACE}"] },
///     "memory": { "command": "node", "args": ["…/server-memory/dist/index.js"], "env": { "MEMORY_FILE_PATH": "${WORKSPACE}/memory.jsonl" }, "cwd": "." },
///     "remote": { "url": "http://127.0.0.1:3001/mcp", "headers": { "Authorization": "Bearer ${REMOTE_TOKEN}" } }
///   },
///   "agentmesh": {
///     "toolTimeoutSeconds": 60,
///     "connectTimeoutSeconds": 30,
///     "approval": {
///       "require": ["filesystem/write_file"],
///       "rules": [{ "tool": "refunds/issue_refund", "when": "args.amount > 100" }],
///       "exempt": ["memory/*"]
///     }
///   }
/// }
/// </code>
/// Per server: <c>command</c> (+ <c>args</c>, <c>env</c>, <c>cwd</c>) or <c>url</c> (+ <c>headers</c>);
/// optional <c>type</c> (<c>stdio</c>, <c>http</c>, <c>streamable-http</c>) must agree;
/// <c>disabled: true</c> skips the entry. <c>${NAME}</c> in command, args, env values, cwd, url and
/// header values expands from the host's variables (always including <c>CONFIG_DIR</c>, the file's
/// folder), then environment variables; <c>$$</c> is a literal <c>$</c>. Comments and trailing
/// commas are allowed. Unknown keys inside a server entry are errors (typos); other top-level keys
/// are ignored.
/// </summary>
public sealed record McpServersConfig
{
    /// <summary>The file this was loaded from (absolute); empty when built in code.</summary>
    public string FilePath { get; init; } = "";

    /// <summary>Every entry of <c>mcpServers</c>, in file order, disabled ones included.</summary>
    public IReadOnlyList<McpServerEntry> Servers { get; init; } = [];

    /// <summary>The <c>agentmesh</c> section; defaults when absent.</summary>
    public ToolPolicyOptions Policy { get; init; } = new();

    /// <summary>
    /// Reads and validates <paramref name="path"/>. <paramref name="variables"/> feed <c>${NAME}</c>
    /// expansion (e.g. <c>WORKSPACE</c>); <c>CONFIG_DIR</c> is added as the file's folder unless given.
    /// Throws <see cref="McpConfigException"/> (file path + JSON path) for a missing file, invalid
    /// JSON, a wrong shape or an undefined variable.
    /// </summary>
    public static McpServersConfig Load(string path, IReadOnlyDictionary<string, string>? variables = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = System.IO.Path.GetFullPath(path);
        string text;
        try
        {
            text = File.ReadAllText(fullPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new McpConfigException(fullPath, null, $"cannot read the MCP servers config: {e.Message}", e);
        }

        var configDirectory = System.IO.Path.GetDirectoryName(fullPath)!;
        var allVariables = new Dictionary<string, string>(StringComparer.Ordinal);
        if (variables is not null)
        {
            foreach (var (key, value) in variables)
            {
                allVariables[key] = value;
            }
        }

        allVariables.TryAdd("CONFIG_DIR", configDirectory);

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new McpConfigException(fullPath, e.Path, $"not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {e.Message}", e);
        }

        using (document)
        {
            var reader = new McpConfigReader(fullPath, configDirectory, new ConfigVariableExpander(allVariables));
            return reader.Read(document.RootElement);
        }
    }
}
