using AgentMesh.Contracts.V1;
using AgentMesh.Services.ToolHost;
using AgentMesh.Services.ToolHost.Configuration;
using AgentMesh.Tests.Hosting;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;
using ToolHostContract = AgentMesh.Contracts.V1.ToolHost;

namespace AgentMesh.Tests.ToolHost;

/// <summary>
/// Approval rules on arguments over real gRPC (grpc-dotnet client and server) in front of the real probe MCP
/// server (stdio): ListTools says which tools the rules decide, CheckToolCall gives one call's verdict.
/// </summary>
public sealed class CheckToolCallTests : IAsyncLifetime
{
    private const string PlainRule = "rule: probe/plain when args.amount > 100";
    private const string EnvRule = "rule: probe/env when args.name.startsWith('SECRET')";

    private readonly TempDirectory _dir = new();
    private TestGrpcHost _host = null!;
    private ToolHostContract.ToolHostClient _client = null!;

    public async Task InitializeAsync()
    {
        var config = McpTestServers.WriteAndLoad(_dir.Path, new
        {
            mcpServers = new { probe = new { command = "node", args = new[] { McpTestServers.ProbeScript } } },
            agentmesh = new
            {
                approval = new
                {
                    rules = new[]
                    {
                        new { tool = "probe/plain", when = "args.amount > 100" },
                        // env is read-only, so otherwise never gated: a rule decides instead of the annotation.
                        new { tool = "probe/env", when = "args.name.startsWith('SECRET')" },
                    },
                },
            },
        });
        _host = await TestGrpcHost.StartAsync(services => services.AddToolHost(o => o.Config = config), endpoints => endpoints.MapToolHost());
        _client = new ToolHostContract.ToolHostClient(_host.Channel);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _dir.Dispose();
    }

    private Task<CheckToolCallResponse> Check(string server, string tool, string argumentsJson)
        => _client.CheckToolCallAsync(new CheckToolCallRequest { Server = server, Tool = tool, ArgumentsJson = argumentsJson }).ResponseAsync.WaitAsync(McpTestServers.Timeout);

    [Fact]
    public async Task ListTools_marks_the_tools_whose_approval_depends_on_arguments()
    {
        var tools = (await _client.ListToolsAsync(new ListToolsRequest { Server = "probe" }).ResponseAsync.WaitAsync(McpTestServers.Timeout)).Tools.ToDictionary(t => t.Name);

        Assert.True(tools["plain"].ApprovalDependsOnArguments);
        Assert.True(tools["plain"].RequiresApproval);
        Assert.Equal($"per call: {PlainRule}", tools["plain"].ApprovalReason);
        Assert.True(tools["env"].ApprovalDependsOnArguments);
        Assert.False(tools["pid"].ApprovalDependsOnArguments);
        Assert.False(tools["pid"].RequiresApproval);
        Assert.False(tools["reject"].ApprovalDependsOnArguments);
        Assert.True(tools["reject"].RequiresApproval);
    }

    [Theory]
    [InlineData("plain", """{"amount":149.0}""", true, PlainRule)]
    [InlineData("plain", """{"amount":149}""", true, PlainRule)]
    [InlineData("plain", """{"amount":100}""", false, "")]
    [InlineData("plain", """{"amount":12.5,"note":"small"}""", false, "")]
    [InlineData("env", """{"name":"SECRET_TOKEN"}""", true, EnvRule)]
    [InlineData("env", """{"name":"HOME"}""", false, "")]
    // Tools no rule matches get their listed verdict.
    [InlineData("reject", "", true, "destructiveHint unset (assumed destructive, the MCP default)")]
    [InlineData("pid", "{}", false, "")]
    public async Task CheckToolCall_gives_the_verdict_for_these_arguments(string tool, string argumentsJson, bool gated, string reason)
    {
        var verdict = await Check("probe", tool, argumentsJson);
        Assert.Equal((gated, reason), (verdict.RequiresApproval, verdict.Reason));
    }

    [Fact]
    public async Task A_rule_that_cannot_be_evaluated_gates_the_call_and_says_why()
    {
        var verdict = await Check("probe", "plain", """{"note":"no amount"}""");
        Assert.True(verdict.RequiresApproval);
        Assert.StartsWith($"{PlainRule} (cannot be evaluated for these arguments, so the call is gated: ", verdict.Reason);
        Assert.Contains("has(args.x)", verdict.Reason);
    }

    [Theory]
    [InlineData("probe", "no_such_tool", "{}", StatusCode.NotFound, "has no tool 'no_such_tool'")]
    [InlineData("nowhere", "plain", "{}", StatusCode.NotFound, "no MCP server named 'nowhere'")]
    [InlineData("probe", "plain", "{\"amount\":", StatusCode.InvalidArgument, "not valid JSON")]
    [InlineData("probe", "plain", "[149]", StatusCode.InvalidArgument, "must be a JSON object")]
    [InlineData("", "plain", "{}", StatusCode.InvalidArgument, "server and tool must both be set")]
    public async Task CheckToolCall_errors_say_what_is_wrong(string server, string tool, string argumentsJson, StatusCode status, string detail)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Check(server, tool, argumentsJson));
        Assert.Equal(status, error.StatusCode);
        Assert.Contains(detail, error.Status.Detail);
    }

    [Fact]
    public async Task A_rule_that_does_not_parse_stops_the_ToolHost_from_starting()
    {
        var path = Path.Combine(_dir.Path, "bad-rule.json");
        File.WriteAllText(path, """{"mcpServers":{},"agentmesh":{"approval":{"rules":[{"tool":"probe/plain","when":"args.amount >> 100"}]}}}""");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddToolHost(o => o.ConfigPath = path);
        await using var app = builder.Build();
        app.MapToolHost();

        var error = await Assert.ThrowsAsync<McpConfigException>(() => app.StartAsync());

        Assert.Equal("$.agentmesh.approval.rules[0].when", error.JsonPath);
        Assert.StartsWith($"{path}: $.agentmesh.approval.rules[0].when: not a CEL expression: Line 1:", error.Message);
    }
}
