using System.Diagnostics;
using System.Text.Json.Nodes;
using AgentMesh.Contracts.V1;
using AgentMesh.Tests.EndToEnd;
using AgentMesh.Tests.ToolHost;
using OpenTelemetry.Trace;

namespace AgentMesh.Tests.Telemetry;

/// <summary>
/// Trace context reaches a Streamable HTTP MCP server: the probe server in --http mode reports the traceparent header of
/// the tools/call request it handles. The model is the scripted provider (a stand-in: no model endpoint can run here).
/// </summary>
public sealed class McpTracePropagationTests
{
    [Fact]
    public async Task A_tool_call_over_streamable_HTTP_carries_the_runs_trace_context()
    {
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(McpTestServers.ProbeScript);
        start.ArgumentList.Add("--http");
        using var server = Process.Start(start)!;
        try
        {
            var line = await server.StandardOutput.ReadLineAsync().WaitAsync(McpTestServers.Timeout);
            var port = int.Parse(line!["listening ".Length..], System.Globalization.CultureInfo.InvariantCulture);
            var exported = new List<Activity>();
            List<RunEvent> events;
            await using (var session = await ProbeRun.StartAsync(
                new() { ["Telemetry:Enabled"] = "true" },
                o =>
                {
                    var config = Path.Combine(o.DataDirectory, "mcp-http.json");
                    File.WriteAllText(config, new JsonObject { ["mcpServers"] = new JsonObject { ["probe"] = new JsonObject { ["url"] = $"http://127.0.0.1:{port}/mcp" } } }.ToJsonString());
                    o.McpConfigPath = config;
                    o.ConfigureServices = s => s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(exported));
                },
                Cassettes.Planner(1, ProbeRun.Plan),
                Cassettes.ToolCall("researcher", "a", 1, "c1", "probe__env", new JsonObject { ["name"] = "PROBE_REQUEST_TRACEPARENT" }),
                Cassettes.Answer("researcher", "a", 2, "seen")))
            {
                var runId = (await session.Client.StartRunAsync(new StartRunRequest { Goal = "a goal" })).RunId;
                events = await RunObserver.WatchAsync(session.Client, runId);
            }

            Assert.Equal(RunStatus.Completed, RunObserver.FinalStatus(events));
            var traceparent = Assert.Single(events, e => e.ToolCallCompleted is { ToolCallId: "c1" }).ToolCallCompleted.Result.Split('\n')[0].Trim();
            Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$", traceparent);
            var tool = Assert.Single(exported, a => a.DisplayName == "execute_tool probe__env");
            Assert.Equal(tool.TraceId.ToHexString(), traceparent.Split('-')[1]);
        }
        finally
        {
            server.Kill();
        }
    }
}
