using AgentMesh.Services.ToolHost.Configuration;
using Xunit;

namespace AgentMesh.Tests.ToolHost;

public sealed class McpServersConfigTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Write(string json, string name = "mcp.json")
    {
        var path = Path.Combine(_dir.Path, name);
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void Loads_stdio_and_http_entries_with_expansion_and_policy()
    {
        Environment.SetEnvironmentVariable("AGENTMESH_TEST_TOKEN", "s3cret");
        var path = Write("""
            {
              // comments and trailing commas are fine
              "mcpServers": {
                "fs": { "command": "node", "args": ["${CONFIG_DIR}/fs.js", "${WORKSPACE}", "$${literal}"], "env": { "TOKEN": "${AGENTMESH_TEST_TOKEN}" }, "cwd": "sub" },
                "remote": { "type": "http", "url": "http://127.0.0.1:9/mcp", "headers": { "Authorization": "Bearer ${AGENTMESH_TEST_TOKEN}" } },
                "off": { "command": "nothing", "disabled": true },
              },
              "agentmesh": { "toolTimeoutSeconds": 2.5, "connectTimeoutSeconds": 7, "approval": { "require": ["fs/write_file"], "exempt": ["memory/*"], "assumeDestructive": false } },
              "inputs": []
            }
            """);

        var config = McpServersConfig.Load(path, new Dictionary<string, string> { ["WORKSPACE"] = "/work/space" });

        Assert.Equal(path, config.FilePath);
        Assert.Equal(["fs", "remote", "off"], config.Servers.Select(s => s.Name));
        var fs = config.Servers[0];
        Assert.Equal(McpServerTransportKind.Stdio, fs.Transport);
        Assert.Equal("node", fs.Command);
        Assert.Equal([$"{_dir.Path}/fs.js", "/work/space", "${literal}"], fs.Arguments);
        Assert.Equal("s3cret", fs.Environment["TOKEN"]);
        Assert.Equal(Path.Combine(_dir.Path, "sub"), fs.WorkingDirectory);
        var remote = config.Servers[1];
        Assert.Equal(McpServerTransportKind.Http, remote.Transport);
        Assert.Equal(new Uri("http://127.0.0.1:9/mcp"), remote.Url);
        Assert.Equal("Bearer s3cret", remote.Headers["Authorization"]);
        Assert.True(config.Servers[2].Disabled);
        Assert.Equal(TimeSpan.FromSeconds(2.5), config.Policy.ToolTimeout);
        Assert.Equal(TimeSpan.FromSeconds(7), config.Policy.ConnectTimeout);
        Assert.Equal(["fs/write_file"], config.Policy.RequireApproval);
        Assert.Equal(["memory/*"], config.Policy.ExemptFromApproval);
        Assert.False(config.Policy.AssumeDestructiveWhenUnset);
    }

    [Fact]
    public void Loads_approval_rules_on_arguments_in_file_order()
    {
        var path = Write("""
            {
              "mcpServers": {},
              "agentmesh": { "approval": { "rules": [
                { "tool": "refunds/issue_refund", "when": "args.amount > 100" },
                { "tool": "*/delete_*", "when": "has(args.recursive) && args.recursive" }
              ] } }
            }
            """);

        var rules = McpServersConfig.Load(path).Policy.ApprovalRules;

        Assert.Equal(["refunds/issue_refund when args.amount > 100", "*/delete_* when has(args.recursive) && args.recursive"], rules.Select(r => r.ToString()));
        Assert.True(rules[0].When.Holds(System.Text.Json.JsonDocument.Parse("""{"amount":149.0}""").RootElement));
    }

    [Fact]
    public void Defaults_apply_without_agentmesh_section_and_absolute_cwd_is_kept()
    {
        var path = Write("""{"mcpServers":{"a":{"command":"x","cwd":"/tmp"}}}""");
        var config = McpServersConfig.Load(path);
        Assert.Equal(TimeSpan.FromSeconds(60), config.Policy.ToolTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), config.Policy.ConnectTimeout);
        Assert.Empty(config.Policy.RequireApproval);
        Assert.Empty(config.Policy.ApprovalRules);
        Assert.True(config.Policy.AssumeDestructiveWhenUnset);
        Assert.Equal("/tmp", config.Servers[0].WorkingDirectory);
        Assert.Empty(config.Servers[0].Arguments);
    }

    [Fact]
    public void Host_variables_win_over_environment_and_can_override_config_dir()
    {
        Environment.SetEnvironmentVariable("AGENTMESH_TEST_SHADOWED", "from-env");
        var path = Write("""{"mcpServers":{"a":{"command":"${AGENTMESH_TEST_SHADOWED}","args":["${CONFIG_DIR}"]}}}""");
        var config = McpServersConfig.Load(path, new Dictionary<string, string> { ["AGENTMESH_TEST_SHADOWED"] = "from-host", ["CONFIG_DIR"] = "/elsewhere" });
        Assert.Equal("from-host", config.Servers[0].Command);
        Assert.Equal(["/elsewhere"], config.Servers[0].Arguments);
    }

    [Theory]
    [InlineData("""{"servers":{}}""", "$", "missing \"mcpServers\"")]
    [InlineData("""{"mcpServers":[]}""", "$.mcpServers", "must be an object")]
    [InlineData("""{"mcpServers":{"a":{}}}""", "$.mcpServers.a", "needs \"command\"")]
    [InlineData("""{"mcpServers":{"a":{"command":"x","url":"http://h/mcp"}}}""", "$.mcpServers.a", "both")]
    [InlineData("""{"mcpServers":{"a":{"command":"x","args":["ok",3]}}}""", "$.mcpServers.a.args[1]", "must be a string, got 3")]
    [InlineData("""{"mcpServers":{"a":{"command":"x","comand":"y"}}}""", "$.mcpServers.a.comand", "unknown key")]
    [InlineData("""{"mcpServers":{"a":{"url":"ftp://h/mcp"}}}""", "$.mcpServers.a.url", "not an absolute http(s) URL")]
    [InlineData("""{"mcpServers":{"a":{"url":"http://h/mcp","args":[]}}}""", "$.mcpServers.a.args", "only valid for stdio")]
    [InlineData("""{"mcpServers":{"a":{"command":"x","type":"http"}}}""", "$.mcpServers.a.type", "does not match")]
    [InlineData("""{"mcpServers":{"a":{"command":"${AGENTMESH_TEST_SURELY_UNDEFINED}"}}}""", "$.mcpServers.a.command", "${AGENTMESH_TEST_SURELY_UNDEFINED} is not defined")]
    [InlineData("""{"mcpServers":{"a":{"command":"x","env":{"K":"${OPEN"}}}}""", "$.mcpServers.a.env.K", "unterminated")]
    [InlineData("""{"mcpServers":{},"agentmesh":{"toolTimeoutSeconds":0}}""", "$.agentmesh.toolTimeoutSeconds", "positive number")]
    [InlineData("""{"mcpServers":{},"agentmesh":{"approval":{"require":["write_file"]}}}""", "$.agentmesh.approval.require[0]", "not a server/tool pattern")]
    [InlineData("""{"mcpServers":{},"agentmesh":{"approval":{"assumeDestructive":"no"}}}""", "$.agentmesh.approval.assumeDestructive", "must be true or false")]
    [InlineData("""{"mcpServers":{},"agentmesh":{"timeout":5}}""", "$.agentmesh.timeout", "unknown key")]
    [InlineData("""{"mcpServers":{"a/b":{"command":"x"}}}""", "$.mcpServers.a/b", "must not contain '/'")]
    [InlineData("""{"mcpServers":{},"agentmesh":{"approval":{"rules":[{"tool":"refunds/issue_refund","when":"args.amount >"}]}}}""", "$.agentmesh.approval.rules[0].when", "not a CEL expression: Line 1:13")]
    [InlineData("""{"mcpServers":{},"agentmesh":{"approval":{"rules":[{"tool":"a/b","when":"true"},{"tool":"a/c","when":"amount > 100"}]}}}""", "$.agentmesh.approval.rules[1].when", "the variable args")]
    [InlineData("""{"mcpServers":{},"agentmesh":{"approval":{"rules":[{"tool":"issue_refund","when":"true"}]}}}""", "$.agentmesh.approval.rules[0].tool", "not a server/tool pattern")]
    [InlineData("""{"mcpServers":{},"agentmesh":{"approval":{"rules":[{"tool":"a/b"}]}}}""", "$.agentmesh.approval.rules[0]", "missing \"when\"")]
    [InlineData("""{"mcpServers":{},"agentmesh":{"approval":{"rules":[{"tool":"a/b","when":"true","if":"x"}]}}}""", "$.agentmesh.approval.rules[0].if", "unknown key")]
    [InlineData("""{"mcpServers":{},"agentmesh":{"approval":{"rules":{"a/b":"true"}}}}""", "$.agentmesh.approval.rules", "must be an array")]
    [InlineData("""{"mcpServers":{},"agentmesh":{"approval":{"rules":[{"tool":"a/b","when":100}]}}}""", "$.agentmesh.approval.rules[0].when", "must be a string")]
    public void Malformed_config_names_file_and_json_path(string json, string jsonPath, string problem)
    {
        var path = Write(json);
        var error = Assert.Throws<McpConfigException>(() => McpServersConfig.Load(path));
        Assert.Equal(path, error.FilePath);
        Assert.Equal(jsonPath, error.JsonPath);
        Assert.StartsWith($"{path}: {jsonPath}: ", error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void Invalid_json_reports_line()
    {
        var path = Write("{\n  \"mcpServers\": {\n    \"a\": { \"command\": }\n  }\n}");
        var error = Assert.Throws<McpConfigException>(() => McpServersConfig.Load(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("not valid JSON (line 3", error.Message);
    }

    [Fact]
    public void Missing_file_names_the_file()
    {
        var path = Path.Combine(_dir.Path, "absent.json");
        var error = Assert.Throws<McpConfigException>(() => McpServersConfig.Load(path));
        Assert.Equal(path, error.FilePath);
        Assert.Null(error.JsonPath);
        Assert.Contains("cannot read", error.Message);
    }
}
