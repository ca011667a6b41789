using AgentMesh.Contracts.V1;
using AgentMesh.Services.ToolHost;
using AgentMesh.Services.ToolHost.Catalog;
using AgentMesh.Tests.Hosting;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using ToolHostContract = AgentMesh.Contracts.V1.ToolHost;

namespace AgentMesh.Tests.ToolHost;

/// <summary>
/// agentmesh.v1.ToolHost over real gRPC on loopback (grpc-dotnet client and server), in front of the
/// real probe MCP server (stdio).
/// </summary>
public sealed class ToolHostServiceTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private TestGrpcHost _host = null!;
    private ToolHostContract.ToolHostClient _client = null!;

    public async Task InitializeAsync()
    {
        var config = McpTestServers.WriteAndLoad(_dir.Path, new { mcpServers = new { probe = new { command = "node", args = new[] { McpTestServers.ProbeScript } } } });
        _host = await TestGrpcHost.StartAsync(services => services.AddToolHost(o => o.Config = config), endpoints => endpoints.MapToolHost());
        _client = new ToolHostContract.ToolHostClient(_host.Channel);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _dir.Dispose();
    }

    private async Task<List<CallToolResponse>> Call(CallToolRequest request)
    {
        using var call = _client.CallTool(request);
        return await call.ResponseStream.ReadAllAsync().ToListAsync().AsTask().WaitAsync(McpTestServers.Timeout);
    }

    [Fact]
    public async Task ListTools_keeps_unset_annotations_unset()
    {
        var response = await _client.ListToolsAsync(new ListToolsRequest()).ResponseAsync.WaitAsync(McpTestServers.Timeout);
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

        await using var unset = new ServiceCollection().AddToolHost().BuildServiceProvider();
        var error = Assert.Throws<InvalidOperationException>(() => unset.GetRequiredService<McpToolCatalog>());
        Assert.Contains("ToolHostOptions.ConfigPath", error.Message);
    }
}
