using System.Diagnostics;
using AgentMesh.Services.ToolHost.Catalog;
using Microsoft.Extensions.Logging;
using Xunit;

namespace AgentMesh.Tests.ToolHost;

/// <summary>
/// Behaviour the reference servers cannot show (slow tools, progress, paging, crashes), against
/// probe-server.mjs: a real MCP server on the official TypeScript SDK, over stdio.
/// </summary>
public sealed class ProbeServerTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly CollectingLoggerProvider _logs = new();

    public void Dispose() => _dir.Dispose();

    private McpToolCatalog CreateCatalog(object? extraServers = null, double toolTimeoutSeconds = 60)
    {
        var servers = new Dictionary<string, object>
        {
            ["probe"] = new { command = "node", args = new[] { McpTestServers.ProbeScript }, env = new Dictionary<string, string> { ["PROBE_GREETING"] = "hello ${WHO}" }, cwd = "work" },
        };
        if (extraServers is Dictionary<string, object> extra)
        {
            foreach (var (name, entry) in extra)
            {
                servers[name] = entry;
            }
        }

        Directory.CreateDirectory(Path.Combine(_dir.Path, "work"));
        var config = McpTestServers.WriteAndLoad(_dir.Path, new { mcpServers = servers, agentmesh = new { toolTimeoutSeconds } }, new Dictionary<string, string> { ["WHO"] = "mesh" });
        return new McpToolCatalog(config, _logs.CreateFactory());
    }

    [Fact]
    public async Task Discovery_follows_pages_and_keeps_unset_annotations_null()
    {
        await using var catalog = CreateCatalog();
        var tools = await catalog.ListToolsAsync("probe").WaitAsync(McpTestServers.Timeout);
        Assert.Equal(["sleep", "pid", "fail", "plain", "env", "reject", "crash"], tools.Select(t => t.Name));
        Assert.Equal(ToolAnnotationsInfo.None, tools.Single(t => t.Name == "plain").Annotations);
        Assert.Null(tools.Single(t => t.Name == "plain").Title);
        Assert.Equal(new ToolAnnotationsInfo(DestructiveHint: false), tools.Single(t => t.Name == "fail").Annotations);
    }

    [Fact]
    public async Task Env_and_relative_cwd_reach_the_server_process()
    {
        await using var catalog = CreateCatalog();
        var outcome = await catalog.CallToolAsync("probe", "env", McpTestServers.Args(new { name = "PROBE_GREETING" })).WaitAsync(McpTestServers.Timeout);
        Assert.Equal($"hello mesh\n{Path.Combine(_dir.Path, "work")}", outcome.Text);
    }

    [Fact]
    public async Task A_stdio_server_gets_its_configured_variables_and_PATH_but_none_of_the_hosts_other_variables()
    {
        // A variable only this test's process has: the ToolHost's environment must not reach the server.
        Environment.SetEnvironmentVariable("AGENTMESH_TEST_HOST_SECRET", "sk-must-not-leak");
        try
        {
            await using var catalog = CreateCatalog();
            var secret = await catalog.CallToolAsync("probe", "env", McpTestServers.Args(new { name = "AGENTMESH_TEST_HOST_SECRET" })).WaitAsync(McpTestServers.Timeout);
            var path = await catalog.CallToolAsync("probe", "env", McpTestServers.Args(new { name = "PATH" })).WaitAsync(McpTestServers.Timeout);
            Assert.StartsWith("<unset>\n", secret.Text, StringComparison.Ordinal);
            Assert.StartsWith(Environment.GetEnvironmentVariable("PATH") + "\n", path.Text, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("AGENTMESH_TEST_HOST_SECRET", null);
        }
    }

    [Fact]
    public async Task Tool_error_result_and_non_text_content_are_rendered()
    {
        await using var catalog = CreateCatalog();
        var failed = await catalog.CallToolAsync("probe", "fail", default).WaitAsync(McpTestServers.Timeout);
        Assert.True(failed.IsError);
        Assert.Equal("this tool always fails", failed.Text);

        var plain = await catalog.CallToolAsync("probe", "plain", McpTestServers.Args(new { a = 1 })).WaitAsync(McpTestServers.Timeout);
        Assert.False(plain.IsError);
        Assert.Equal("{\"a\":1}\n[image image/png]", plain.Text);
        Assert.Contains("\"mimeType\":\"image/png\"", plain.ResultJson);
    }

    [Fact]
    public async Task A_JSON_RPC_error_answer_is_an_error_outcome_not_an_exception()
    {
        await using var catalog = CreateCatalog();
        var outcome = await catalog.CallToolAsync("probe", "reject", default).WaitAsync(McpTestServers.Timeout);
        Assert.True(outcome.IsError);
        Assert.StartsWith("MCP error -32602 (InvalidParams):", outcome.Text);
        Assert.Contains("reject takes no arguments you can give", outcome.Text);
        using var json = System.Text.Json.JsonDocument.Parse(outcome.ResultJson);
        Assert.True(json.RootElement.GetProperty("isError").GetBoolean());
        Assert.Equal(outcome.Text, json.RootElement.GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Progress_notifications_reach_the_callers_progress()
    {
        await using var catalog = CreateCatalog();
        var seen = new List<ToolProgressInfo>();
        var progress = new SynchronousProgress(p => { lock (seen) { seen.Add(p); } });
        var outcome = await catalog.CallToolAsync("probe", "sleep", McpTestServers.Args(new { ms = 300, steps = 3 }), progress: progress).WaitAsync(McpTestServers.Timeout);
        Assert.Equal("slept 300 ms", outcome.Text);
        await WaitUntil(() => { lock (seen) { return seen.Count == 3; } });
        lock (seen)
        {
            Assert.Equal([1d, 2d, 3d], seen.Select(p => p.Progress).Order());
            Assert.All(seen, p => Assert.Equal(3d, p.Total));
            Assert.Contains(seen, p => p.Message == "step 2");
        }
    }

    [Fact]
    public async Task A_call_past_its_timeout_throws_ToolTimeoutException_and_the_server_stays_usable()
    {
        await using var catalog = CreateCatalog(toolTimeoutSeconds: 0.3);
        var error = await Assert.ThrowsAsync<ToolTimeoutException>(
            () => catalog.CallToolAsync("probe", "sleep", McpTestServers.Args(new { ms = 5000 })).WaitAsync(McpTestServers.Timeout));
        Assert.Equal(TimeSpan.FromSeconds(0.3), error.Timeout);
        Assert.Equal("sleep", error.Tool);

        var perCall = await Assert.ThrowsAsync<ToolTimeoutException>(
            () => catalog.CallToolAsync("probe", "sleep", McpTestServers.Args(new { ms = 5000 }), timeout: TimeSpan.FromMilliseconds(50)).WaitAsync(McpTestServers.Timeout));
        Assert.Equal(TimeSpan.FromMilliseconds(50), perCall.Timeout);

        var quick = await catalog.CallToolAsync("probe", "sleep", McpTestServers.Args(new { ms = 10 }), timeout: TimeSpan.FromSeconds(20)).WaitAsync(McpTestServers.Timeout);
        Assert.Equal("slept 10 ms", quick.Text);
    }

    [Fact]
    public async Task A_server_process_that_died_is_started_again_on_next_use()
    {
        await using var catalog = CreateCatalog();
        var first = int.Parse((await catalog.CallToolAsync("probe", "pid", default).WaitAsync(McpTestServers.Timeout)).Text);
        using (var process = Process.GetProcessById(first))
        {
            process.Kill();
            await process.WaitForExitAsync().WaitAsync(McpTestServers.Timeout);
        }

        var second = int.Parse((await catalog.CallToolAsync("probe", "pid", default).WaitAsync(McpTestServers.Timeout)).Text);
        Assert.NotEqual(first, second);
        Assert.Contains(await catalog.ListToolsAsync("probe").WaitAsync(McpTestServers.Timeout), t => t.Name == "pid");
    }

    [Fact]
    public async Task A_server_that_exits_during_a_call_fails_that_call_as_unavailable_at_once_and_is_started_again()
    {
        await using var catalog = CreateCatalog();
        var first = int.Parse((await catalog.CallToolAsync("probe", "pid", default).WaitAsync(McpTestServers.Timeout)).Text);

        // crash is neither read-only nor idempotent, so the broken call is not repeated on a new process; and it fails
        // when the process ends, not when the 60 s tool timeout runs out.
        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<ToolServerUnavailableException>(
            () => catalog.CallToolAsync("probe", "crash", default).WaitAsync(McpTestServers.Timeout));
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(30));
        Assert.Equal("probe", error.Server);
        Assert.Contains("the connection broke during a call of 'crash'", error.Message);

        var second = int.Parse((await catalog.CallToolAsync("probe", "pid", default).WaitAsync(McpTestServers.Timeout)).Text);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task A_server_that_cannot_start_does_not_stop_the_others()
    {
        var broken = new Dictionary<string, object>
        {
            ["broken"] = new { command = "node", args = new[] { Path.Combine(_dir.Path, "no-such-server.js") } },
        };
        await using var catalog = CreateCatalog(broken);

        var tools = await catalog.ListToolsAsync().WaitAsync(McpTestServers.Timeout);
        Assert.All(tools, t => Assert.Equal("probe", t.Server));
        Assert.NotEmpty(tools);
        Assert.Contains(_logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("broken") && e.Message.Contains("no-such-server.js"));

        var error = await Assert.ThrowsAsync<ToolServerUnavailableException>(
            () => catalog.CallToolAsync("broken", "anything", default).WaitAsync(McpTestServers.Timeout));
        Assert.Equal("broken", error.Server);
        Assert.Contains("Cannot find module", error.Message);
        await Assert.ThrowsAsync<ToolServerUnavailableException>(() => catalog.ListToolsAsync("broken").WaitAsync(McpTestServers.Timeout));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var until = DateTime.UtcNow + McpTestServers.Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, "condition not met in time");
            await Task.Delay(20);
        }
    }

    private sealed class SynchronousProgress(Action<ToolProgressInfo> report) : IProgress<ToolProgressInfo>
    {
        public void Report(ToolProgressInfo value) => report(value);
    }
}
