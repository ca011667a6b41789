using System.Text.Json;
using AgentMesh.Services.ToolHost.Catalog;
using Xunit;

namespace AgentMesh.Tests.ToolHost;

/// <summary>Real @modelcontextprotocol/server-memory, alone and next to server-filesystem.</summary>
public sealed class MemoryServerTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private McpToolCatalog CreateCatalog(bool withFilesystem)
    {
        var memory = new { command = "node", args = new[] { McpTestServers.MemoryScript }, env = new Dictionary<string, string> { ["MEMORY_FILE_PATH"] = "${CONFIG_DIR}/memory.jsonl" } };
        object servers = withFilesystem
            ? new { memory, filesystem = new { command = "node", args = new[] { McpTestServers.FilesystemScript, "${CONFIG_DIR}" } } }
            : new { memory };
        return new McpToolCatalog(McpTestServers.WriteAndLoad(_dir.Path, new { mcpServers = servers, agentmesh = new { approval = new { exempt = new[] { "memory/*" } } } }));
    }

    [Fact]
    public async Task Create_entities_then_read_graph_round_trips_through_the_memory_file()
    {
        await using var catalog = CreateCatalog(withFilesystem: false);
        var created = await catalog.CallToolAsync(
            "memory",
            "create_entities",
            McpTestServers.Args(new { entities = new[] { new { name = "AgentMesh", entityType = "project", observations = new[] { "runs workflows as gRPC services" } } } }))
            .WaitAsync(McpTestServers.Timeout);
        Assert.False(created.IsError, created.Text);

        var graph = await catalog.CallToolAsync("memory", "read_graph", default).WaitAsync(McpTestServers.Timeout);
        Assert.False(graph.IsError, graph.Text);
        using var json = JsonDocument.Parse(graph.Text);
        var entity = Assert.Single(json.RootElement.GetProperty("entities").EnumerateArray());
        Assert.Equal("AgentMesh", entity.GetProperty("name").GetString());
        Assert.Equal("runs workflows as gRPC services", entity.GetProperty("observations")[0].GetString());
        Assert.Contains("AgentMesh", await File.ReadAllTextAsync(Path.Combine(_dir.Path, "memory.jsonl")));
    }

    [Fact]
    public async Task Two_servers_run_side_by_side_and_list_together()
    {
        await using var catalog = CreateCatalog(withFilesystem: true);
        File.WriteAllText(Path.Combine(_dir.Path, "hello.txt"), "hi");

        var all = await catalog.ListToolsAsync().WaitAsync(McpTestServers.Timeout);
        Assert.Equal(["memory", "filesystem"], all.Select(t => t.Server).Distinct());
        var deleteEntities = all.Single(t => t.Id == "memory/delete_entities");
        Assert.Equal(true, deleteEntities.Annotations.DestructiveHint);
        Assert.False(deleteEntities.Approval.RequiresApproval);
        Assert.Equal("exempt: memory/*", deleteEntities.Approval.Reason);
        Assert.True(all.Single(t => t.Id == "filesystem/write_file").Approval.RequiresApproval);

        var calls = await Task.WhenAll(
            catalog.CallToolAsync("filesystem", "read_text_file", McpTestServers.Args(new { path = Path.Combine(_dir.Path, "hello.txt") })),
            catalog.CallToolAsync("memory", "read_graph", default)).WaitAsync(McpTestServers.Timeout);
        Assert.Equal("hi", calls[0].Text);
        Assert.False(calls[1].IsError, calls[1].Text);
        Assert.Contains("\"entities\"", calls[1].Text);
    }
}
