using System.Text.Json;
using AgentMesh.Services.ToolHost.Catalog;
using Xunit;

namespace AgentMesh.Tests.ToolHost;

/// <summary>One real @modelcontextprotocol/server-filesystem process over a temp directory, shared by the tests of <see cref="FilesystemServerTests"/>.</summary>
public sealed class FilesystemServerFixture : IAsyncLifetime
{
    private readonly TempDirectory _root = new();

    /// <summary>The directory the server may access.</summary>
    public string Allowed { get; private set; } = "";

    /// <summary>A directory outside it, with a file the server must refuse to read.</summary>
    public string Outside { get; private set; } = "";

    public McpToolCatalog Catalog { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Allowed = Directory.CreateDirectory(Path.Combine(_root.Path, "allowed")).FullName;
        Outside = Directory.CreateDirectory(Path.Combine(_root.Path, "outside")).FullName;
        File.WriteAllText(Path.Combine(Allowed, "notes.txt"), "first line\nsecond line\n");
        Directory.CreateDirectory(Path.Combine(Allowed, "docs"));
        File.WriteAllText(Path.Combine(Outside, "secret.txt"), "do not read");
        var config = McpTestServers.WriteAndLoad(
            _root.Path,
            new
            {
                mcpServers = new { filesystem = new { command = "node", args = new[] { McpTestServers.FilesystemScript, "${WORKSPACE}" } } },
                agentmesh = new { approval = new { require = new[] { "filesystem/create_directory" }, exempt = new[] { "filesystem/edit_file" } } },
            },
            new Dictionary<string, string> { ["WORKSPACE"] = Allowed });
        Catalog = new McpToolCatalog(config);
        return Catalog.StartAsync().WaitAsync(McpTestServers.Timeout);
    }

    public async Task DisposeAsync()
    {
        await Catalog.DisposeAsync();
        _root.Dispose();
    }
}

public sealed class FilesystemServerTests(FilesystemServerFixture fs) : IClassFixture<FilesystemServerFixture>
{
    private async Task<ToolCallOutcome> Call(string tool, object args)
        => await fs.Catalog.CallToolAsync("filesystem", tool, McpTestServers.Args(args)).WaitAsync(McpTestServers.Timeout);

    [Fact]
    public async Task Discovery_reports_the_servers_real_annotations_with_unset_kept_distinct()
    {
        var tools = await fs.Catalog.ListToolsAsync("filesystem").WaitAsync(McpTestServers.Timeout);
        var byName = tools.ToDictionary(t => t.Name);

        Assert.Contains("list_directory", byName.Keys);
        var read = byName["read_text_file"];
        Assert.Equal("filesystem", read.Server);
        Assert.Equal("filesystem/read_text_file", read.Id);
        Assert.Equal("Read Text File", read.Title);
        Assert.Contains("Read the complete contents of a file", read.Description);
        using (var schema = JsonDocument.Parse(read.InputSchemaJson))
        {
            Assert.Equal("object", schema.RootElement.GetProperty("type").GetString());
            Assert.True(schema.RootElement.GetProperty("properties").TryGetProperty("path", out _));
        }

        // server-filesystem declares { readOnlyHint: true, openWorldHint: false } and nothing else.
        Assert.Equal(new ToolAnnotationsInfo(null, ReadOnlyHint: true, DestructiveHint: null, IdempotentHint: null, OpenWorldHint: false), read.Annotations);
        Assert.False(read.Approval.RequiresApproval);
        Assert.Null(read.Approval.Reason);

        Assert.Equal(new ToolAnnotationsInfo(null, false, true, true, false), byName["write_file"].Annotations);
        Assert.True(byName["write_file"].Approval.RequiresApproval);
        Assert.Equal("annotation destructiveHint=true", byName["write_file"].Approval.Reason);

        Assert.Equal(new ToolAnnotationsInfo(null, false, true, false, false), byName["edit_file"].Annotations);
        Assert.False(byName["edit_file"].Approval.RequiresApproval);
        Assert.Equal("exempt: filesystem/edit_file", byName["edit_file"].Approval.Reason);

        Assert.Equal(false, byName["create_directory"].Annotations.DestructiveHint);
        Assert.True(byName["create_directory"].Approval.RequiresApproval);
        Assert.Equal("rule: filesystem/create_directory", byName["create_directory"].Approval.Reason);

        Assert.True(byName["move_file"].Approval.RequiresApproval);
    }

    [Fact]
    public async Task Lists_a_directory_and_reads_a_real_file()
    {
        var listing = await Call("list_directory", new { path = fs.Allowed });
        Assert.False(listing.IsError, listing.Text);
        Assert.Contains("[FILE] notes.txt", listing.Text);
        Assert.Contains("[DIR] docs", listing.Text);

        var read = await Call("read_text_file", new { path = Path.Combine(fs.Allowed, "notes.txt") });
        Assert.False(read.IsError, read.Text);
        Assert.Equal("first line\nsecond line\n", read.Text);
        using var json = JsonDocument.Parse(read.ResultJson);
        Assert.Equal("text", json.RootElement.GetProperty("content")[0].GetProperty("type").GetString());
        Assert.Equal("first line\nsecond line\n", json.RootElement.GetProperty("structuredContent").GetProperty("content").GetString());

        var head = await Call("read_text_file", new { path = Path.Combine(fs.Allowed, "notes.txt"), head = 1 });
        Assert.Equal("first line", head.Text.TrimEnd('\n'));
    }

    [Fact]
    public async Task Write_file_creates_a_real_file()
    {
        var target = Path.Combine(fs.Allowed, $"written-{Guid.NewGuid():N}.txt");
        var outcome = await Call("write_file", new { path = target, content = "hello from AgentMesh" });
        Assert.False(outcome.IsError, outcome.Text);
        Assert.Equal("hello from AgentMesh", await File.ReadAllTextAsync(target));
    }

    [Fact]
    public async Task Reading_outside_the_allowed_directory_is_an_error_result_not_an_exception()
    {
        var outcome = await Call("read_text_file", new { path = Path.Combine(fs.Outside, "secret.txt") });
        Assert.True(outcome.IsError);
        Assert.Contains("Access denied", outcome.Text);
        Assert.DoesNotContain("do not read", outcome.Text);
        using var json = JsonDocument.Parse(outcome.ResultJson);
        Assert.True(json.RootElement.GetProperty("isError").GetBoolean());
    }

    [Fact]
    public async Task Arguments_that_break_the_schema_come_back_as_an_error_result()
    {
        var outcome = await Call("read_text_file", new { wrong = 1 });
        Assert.True(outcome.IsError);
        Assert.Contains("path", outcome.Text);
    }

    [Fact]
    public async Task Unknown_tool_and_unknown_server_throw_ToolNotFoundException()
    {
        var tool = await Assert.ThrowsAsync<ToolNotFoundException>(() => Call("format_disk", new { }));
        Assert.Equal("filesystem", tool.Server);
        Assert.Equal("format_disk", tool.Tool);
        Assert.Contains("has no tool 'format_disk'", tool.Message);

        var server = await Assert.ThrowsAsync<ToolNotFoundException>(
            () => fs.Catalog.CallToolAsync("github", "search", default).WaitAsync(McpTestServers.Timeout));
        Assert.Null(server.Tool);
        Assert.Contains("configured: filesystem", server.Message);

        await Assert.ThrowsAsync<ToolNotFoundException>(() => fs.Catalog.ListToolsAsync("github").WaitAsync(McpTestServers.Timeout));
    }

    [Fact]
    public async Task Arguments_that_are_not_an_object_are_rejected_before_any_call()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(
            () => fs.Catalog.CallToolAsync("filesystem", "list_directory", McpTestServers.Args(new[] { 1, 2 })).WaitAsync(McpTestServers.Timeout));
        Assert.Contains("must be a JSON object", error.Message);
    }
}
