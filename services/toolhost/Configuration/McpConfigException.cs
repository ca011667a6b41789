namespace AgentMesh.Services.ToolHost.Configuration;

/// <summary>
/// The MCP servers config file is missing, not JSON, or malformed. The message names the file and
/// the JSON path of the offending value (e.g. <c>$.mcpServers.fs.args[1]</c>).
/// </summary>
public sealed class McpConfigException : Exception
{
    /// <summary>Creates the exception; <paramref name="jsonPath"/> may be null for file-level errors.</summary>
    public McpConfigException(string filePath, string? jsonPath, string problem, Exception? innerException = null)
        : base(jsonPath is null ? $"{filePath}: {problem}" : $"{filePath}: {jsonPath}: {problem}", innerException)
    {
        FilePath = filePath;
        JsonPath = jsonPath;
    }

    /// <summary>The config file (as given to <see cref="McpServersConfig.Load"/>).</summary>
    public string FilePath { get; }

    /// <summary>The JSON path of the bad value, e.g. <c>$.agentmesh.toolTimeoutSeconds</c>; null for file-level errors.</summary>
    public string? JsonPath { get; }
}
