using AgentMesh.Contracts.V1;
using AgentMesh.Grpc;
using AgentMesh.Services.ToolHost;
using AgentMesh.Services.ToolHost.Catalog;
using AgentMesh.Services.ToolHost.Grpc;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace AgentMesh.Tests.ToolHost;

/// <summary>
/// The gRPC handlers invoked directly (the gRPC transport in src/AgentMesh.Grpc is not implemented
/// yet), with a recording stream writer standing in for the HTTP/2 response stream; the MCP server
/// behind them is the real probe server.
/// </summary>
public sealed class ToolHostServiceTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private McpToolCatalog _catalog = null!;
    private ToolHostService _service = null!;

    public Task InitializeAsync()
    {
        _catalog = new McpToolCatalog(McpTestServers.WriteAndLoad(_dir.Path, new { mcpServers = new { probe = new { command = "node", args = new[] { McpTestServers.ProbeScript } } } }));
        _service = new ToolHostService(_catalog, NullLogger<ToolHostService>.Instance);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _catalog.DisposeAsync();
        _dir.Dispose();
    }

    private async Task<List<CallToolResponse>> Call(CallToolRequest request)
    {
        var writer = new RecordingWriter();
        await _service.CallTool(request, writer, new TestCallContext()).WaitAsync(McpTestServers.Timeout);
        return writer.Messages;
    }

    [Fact]
    public async Task ListTools_keeps_unset_annotations_unset()
    {
        var response = await _service.ListTools(new ListToolsRequest(), new TestCallContext()).WaitAsync(McpTestServers.Timeout);
        var sleep = response.Tools.Single(t => t.Name == "sleep");
        Assert.Equal("probe", sleep.Server);
        Assert.True(sleep.Annotations.HasReadOnlyHint);
        Assert.True(sleep.Annotations.ReadOnlyHint);
        Assert.False(sleep.Annotations.HasDestructiveHint);
        Assert.False(sleep.Annotations.HasTitle);
        Assert.False(sleep.RequiresApproval);
        Assert.Equal("", sleep.ApprovalReason);
        Assert.Contains("\"ms\"", sleep.InputSchemaJson);
    }

    [Fact]
    public async Task CallTool_streams_progress_then_exactly_one_result()
    {
        var messages = await Call(new CallToolRequest { Server = "probe", Tool = "sleep", ArgumentsJson = """{"ms":200,"steps":2}""" });
        Assert.Equal(CallToolResponse.KindOneofCase.Result, messages[^1].KindCase);
        Assert.Equal("slept 200 ms", messages[^1].Result.Text);
        Assert.False(messages[^1].Result.IsError);
        Assert.All(messages[..^1], m => Assert.Equal(CallToolResponse.KindOneofCase.Progress, m.KindCase));
        Assert.Equal(2, messages.Count(m => m.KindCase == CallToolResponse.KindOneofCase.Progress));
        Assert.Equal(2, messages.First(m => m.KindCase == CallToolResponse.KindOneofCase.Progress).Progress.Total);
    }

    [Fact]
    public async Task A_tool_error_is_a_result_not_a_status()
    {
        var messages = await Call(new CallToolRequest { Server = "probe", Tool = "fail" });
        var result = Assert.Single(messages).Result;
        Assert.True(result.IsError);
        Assert.Equal("this tool always fails", result.Text);
    }

    [Theory]
    [InlineData("probe", "sleep", "[1,2]", StatusCode.InvalidArgument, "must be a JSON object")]
    [InlineData("probe", "sleep", "{not json", StatusCode.InvalidArgument, "not valid JSON")]
    [InlineData("probe", "", "{}", StatusCode.InvalidArgument, "server and tool must both be set")]
    [InlineData("probe", "nope", "{}", StatusCode.NotFound, "has no tool 'nope'")]
    [InlineData("elsewhere", "sleep", "", StatusCode.NotFound, "no MCP server named 'elsewhere'")]
    public async Task Failures_map_to_statuses_with_actionable_messages(string server, string tool, string args, StatusCode code, string detail)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Call(new CallToolRequest { Server = server, Tool = tool, ArgumentsJson = args }));
        Assert.Equal(code, error.StatusCode);
        Assert.Contains(detail, error.Status.Detail);
    }

    [Fact]
    public async Task The_requests_timeout_maps_to_deadline_exceeded()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Call(new CallToolRequest
        {
            Server = "probe", Tool = "sleep", ArgumentsJson = """{"ms":5000}""", Timeout = Duration.FromTimeSpan(TimeSpan.FromMilliseconds(100)),
        }));
        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.Contains("CallToolRequest.timeout", error.Status.Detail);
    }

    [Fact]
    public void MapToolHost_without_AddToolHost_says_what_is_missing()
    {
        var app = WebApplication.CreateBuilder().Build();
        var error = Assert.Throws<InvalidOperationException>(() => app.MapToolHost());
        Assert.Contains("services.AddToolHost", error.Message);
    }

    [Fact]
    public async Task AddToolHost_loads_the_config_file_and_resolves_the_service()
    {
        var services = new ServiceCollection().AddToolHost(o =>
        {
            o.ConfigPath = Path.Combine(_dir.Path, "mcp.json");
            o.Variables["WORKSPACE"] = _dir.Path;
        });
        await using var provider = services.BuildServiceProvider();
        var catalog = provider.GetRequiredService<McpToolCatalog>();
        Assert.Equal(["probe"], catalog.Config.Servers.Select(s => s.Name));
        Assert.NotNull(provider.GetRequiredService<ToolHostService>());

        await using var unset = new ServiceCollection().AddToolHost().BuildServiceProvider();
        var error = Assert.Throws<InvalidOperationException>(() => unset.GetRequiredService<McpToolCatalog>());
        Assert.Contains("ToolHostOptions.ConfigPath", error.Message);
    }

    private sealed class RecordingWriter : IServerStreamWriter<CallToolResponse>
    {
        private int _writing;

        public List<CallToolResponse> Messages { get; } = [];

        public WriteOptions? WriteOptions { get; set; }

        public async Task WriteAsync(CallToolResponse message, CancellationToken cancellationToken = default)
        {
            Assert.Equal(0, Interlocked.Exchange(ref _writing, 1));
            await Task.Yield();
            Messages.Add(message);
            Volatile.Write(ref _writing, 0);
        }
    }

    private sealed class TestCallContext : ServerCallContext
    {
        public override string Method => "/agentmesh.v1.ToolHost/CallTool";

        public override string Peer => "ipv4:127.0.0.1:1";

        public override DateTime Deadline => DateTime.MaxValue;

        public override CancellationToken CancellationToken => CancellationToken.None;

        public override Metadata RequestHeaders { get; } = new();

        public override Metadata ResponseTrailers { get; } = new();

        public override string? ResponseCompressionEncoding { get; set; }

        public override WriteOptions? WriteOptions { get; set; }

        public override bool RequestMessageCompressed => false;

        public override Task WriteResponseHeadersAsync(Metadata responseHeaders) => Task.CompletedTask;
    }
}
