using System.Diagnostics;
using AgentMesh.Services.ToolHost.Catalog;
using Xunit;

namespace AgentMesh.Tests.ToolHost;

/// <summary>Streamable HTTP: probe-server.mjs in --http mode (the TypeScript SDK's StreamableHTTPServerTransport) on loopback.</summary>
public sealed class HttpTransportTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private Process _server = null!;
    private int _port;

    public async Task InitializeAsync()
    {
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(McpTestServers.ProbeScript);
        start.ArgumentList.Add("--http");
        start.Environment["PROBE_REQUIRED_TOKEN"] = "t0ken";
        _server = Process.Start(start)!;
        var line = await _server.StandardOutput.ReadLineAsync().WaitAsync(McpTestServers.Timeout);
        Assert.StartsWith("listening ", line);
        _port = int.Parse(line!["listening ".Length..]);
    }

    public Task DisposeAsync()
    {
        _server.Kill();
        _server.Dispose();
        _dir.Dispose();
        return Task.CompletedTask;
    }

    private McpToolCatalog CreateCatalog(string token) => new(McpTestServers.WriteAndLoad(
        _dir.Path,
        new { mcpServers = new { remote = new { url = "http://127.0.0.1:${PORT}/mcp", headers = new { Authorization = "Bearer ${TOKEN}" } } }, agentmesh = new { connectTimeoutSeconds = 10 } },
        new Dictionary<string, string> { ["PORT"] = _port.ToString(), ["TOKEN"] = token }));

    [Fact]
    public async Task Lists_and_calls_tools_over_streamable_http_with_configured_headers()
    {
        await using var catalog = CreateCatalog("t0ken");
        var tools = await catalog.ListToolsAsync("remote").WaitAsync(McpTestServers.Timeout);
        Assert.Equal(["sleep", "pid", "fail", "plain", "env", "reject", "crash"], tools.Select(t => t.Name));

        var progress = new List<ToolProgressInfo>();
        var outcome = await catalog.CallToolAsync(
            "remote", "sleep", McpTestServers.Args(new { ms = 100, steps = 2 }), progress: new Recorder(progress)).WaitAsync(McpTestServers.Timeout);
        Assert.Equal("slept 100 ms", outcome.Text);
        Assert.Equal(_server.Id.ToString(), (await catalog.CallToolAsync("remote", "pid", default).WaitAsync(McpTestServers.Timeout)).Text);
        var until = DateTime.UtcNow.AddSeconds(5);
        while (Count() < 2 && DateTime.UtcNow < until)
        {
            await Task.Delay(20);
        }

        Assert.True(Count() == 2, string.Join(";", progress.Select(p => p.Message)));

        int Count()
        {
            lock (progress)
            {
                return progress.Count;
            }
        }
    }

    [Fact]
    public async Task A_rejected_header_makes_the_server_unavailable_with_the_reason()
    {
        await using var catalog = CreateCatalog("wrong");
        var error = await Assert.ThrowsAsync<ToolServerUnavailableException>(() => catalog.ListToolsAsync("remote").WaitAsync(McpTestServers.Timeout));
        Assert.Contains($"http://127.0.0.1:{_port}/mcp", error.Message);
        Assert.Contains("401", error.ToString());
    }

    private sealed class Recorder(List<ToolProgressInfo> into) : IProgress<ToolProgressInfo>
    {
        public void Report(ToolProgressInfo value)
        {
            lock (into)
            {
                into.Add(value);
            }
        }
    }
}
