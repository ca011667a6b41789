using System.Text.Json;
using AgentMesh.Services.ToolHost.Configuration;

namespace AgentMesh.Tests.ToolHost;

/// <summary>The real MCP servers the ToolHost tests start (npm packages at the repo root, and the SDK-based probe server).</summary>
internal static class McpTestServers
{
    public static string FilesystemScript => Script("node_modules/@modelcontextprotocol/server-filesystem/dist/index.js");

    /// <summary>server-memory's bin (<c>mcp-server-memory</c> in its package.json).</summary>
    public static string MemoryScript => Script("node_modules/@modelcontextprotocol/server-memory/dist/index.js");

    public static string ProbeScript => Script("tests/AgentMesh.Tests/ToolHost/servers/probe-server.mjs");

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static string Script(string relative)
    {
        var path = Path.Combine(RepoPaths.Root, relative);
        return File.Exists(path) ? path : throw new FileNotFoundException($"MCP test server missing (run npm ci at the repo root): {path}");
    }

    /// <summary>Writes <paramref name="config"/> (an object serialized as JSON) to mcp.json in <paramref name="directory"/> and loads it.</summary>
    public static McpServersConfig WriteAndLoad(string directory, object config, IReadOnlyDictionary<string, string>? variables = null)
    {
        var path = Path.Combine(directory, "mcp.json");
        File.WriteAllText(path, JsonSerializer.Serialize(config));
        return McpServersConfig.Load(path, variables);
    }

    public static JsonElement Args(object value) => JsonSerializer.SerializeToElement(value);
}

/// <summary>A temporary directory removed after the test.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = Directory.CreateTempSubdirectory("agentmesh-toolhost-").FullName;
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A server process may still hold a file for a moment; the OS temp cleaner gets it.
        }
    }
}
