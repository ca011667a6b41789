namespace AgentMesh.Services.ToolHost.Configuration;

/// <summary>How the ToolHost reaches an MCP server.</summary>
public enum McpServerTransportKind
{
    /// <summary>A child process spoken to over stdin/stdout (entry has <c>command</c>).</summary>
    Stdio,

    /// <summary>An HTTP endpoint spoken to with Streamable HTTP (entry has <c>url</c>).</summary>
    Http,
}
