namespace AgentMesh.Services.ToolHost.Configuration;

/// <summary>
/// One entry of the <c>mcpServers</c> object, after <c>${VAR}</c> expansion. Either a stdio server
/// (<see cref="Command"/>, <see cref="Arguments"/>, <see cref="Environment"/>,
/// <see cref="WorkingDirectory"/>) or an HTTP server (<see cref="Url"/>, <see cref="Headers"/>).
/// </summary>
public sealed record McpServerEntry
{
    /// <summary>The server's name: the key in <c>mcpServers</c>, used in tool ids (<c>server/tool</c>).</summary>
    public required string Name { get; init; }

    /// <summary>Stdio or HTTP; decided by whether the entry has <c>command</c> or <c>url</c>.</summary>
    public required McpServerTransportKind Transport { get; init; }

    /// <summary>Stdio: the executable (looked up on PATH when not a path). Null for HTTP.</summary>
    public string? Command { get; init; }

    /// <summary>Stdio: command-line arguments. Empty when absent.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>Stdio: variables set on top of the ToolHost's own environment. Empty when absent.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Stdio: absolute working directory (a relative <c>cwd</c> is resolved against the config file's folder); null = inherit.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>HTTP: the Streamable HTTP endpoint, e.g. <c>http://127.0.0.1:3001/mcp</c>. Null for stdio.</summary>
    public Uri? Url { get; init; }

    /// <summary>HTTP: extra request headers (e.g. <c>Authorization</c>). Empty when absent.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary><c>"disabled": true</c> keeps the entry in the file but never starts it. Default false.</summary>
    public bool Disabled { get; init; }
}
