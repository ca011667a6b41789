using System.Text.Json;
using AgentMesh.Cli.Hosting;

namespace AgentMesh.Tests.EndToEnd;

/// <summary>A real @grpc/grpc-js client (npm) starts a run on the all-in-one host and watches it to the end.</summary>
public sealed class GrpcJsClientTests
{
    [Fact]
    public async Task A_grpc_js_client_starts_and_watches_a_run_to_completion()
    {
        using var scenario = new ExampleScenario();
        await using var host = await MeshHost.StartAsync(scenario.HostOptions());
        var address = new Uri(host.Address).Authority;

        var (exitCode, stdout, stderr) = await PeerRun.RunAsync("node", [
            Path.Combine(RepoPaths.Root, "tests", "AgentMesh.Tests", "EndToEnd", "peers", "watch-run.js"), address, ExampleScenario.Goal, Path.Combine(RepoPaths.Root, "protos")]);
        Assert.True(exitCode == 0, stderr);

        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var events = lines.Where(l => !l.TryGetProperty("final", out _)).ToList();
        var final = lines.Single(l => l.TryGetProperty("final", out _)).GetProperty("final");

        Assert.Equal("RUN_STATUS_COMPLETED", final.GetProperty("status").GetString());
        Assert.Equal(Enumerable.Range(1, events.Count), events.Select(e => e.GetProperty("sequence").GetInt32()));
        Assert.Equal("RUN_STATUS_PENDING", events[0].GetProperty("status_changed").GetProperty("status").GetString());
        Assert.Equal("RUN_STATUS_COMPLETED", events[^1].GetProperty("status_changed").GetProperty("status").GetString());
        Assert.Contains(events, e => e.TryGetProperty("plan_created", out _));
        Assert.Contains(events, e => e.TryGetProperty("approval_resolved", out var d) && d.GetProperty("approved").GetBoolean());
        Assert.True(File.Exists(scenario.ReportPath));
    }
}
