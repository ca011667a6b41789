using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentMesh.Tests.EndToEnd;

/// <summary>`agentmesh run` as a user runs it: a real process, the embedded host, the scripted model (no endpoint here).</summary>
public sealed class CliRunTests
{
    [Fact]
    public async Task Run_with_json_output_prints_one_event_per_line_and_exits_zero()
    {
        using var scenario = new ExampleScenario();
        var (exitCode, stdout, stderr) = await CliProcess.RunAsync("run", ScenarioFile(scenario), "--data", scenario.DataDirectory, "--output", "json", "--auto-approve");

        Assert.True(exitCode == 0, stderr);
        var events = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal("RUN_STATUS_COMPLETED", events[^1].GetProperty("statusChanged").GetProperty("status").GetString());
        Assert.Contains(events, e => e.TryGetProperty("toolCallCompleted", out var c) && c.GetProperty("tool").GetString() == "write_file");
        Assert.True(File.Exists(scenario.ReportPath));
    }

    [Fact]
    public async Task A_cassette_without_the_needed_exchange_fails_the_run_loudly_and_exits_non_zero()
    {
        var cassette = JsonNode.Parse(File.ReadAllText(Path.Combine(ExampleScenario.ExampleDirectory, "cassette.json")))!;
        var exchanges = cassette["exchanges"]!.AsArray();
        exchanges.Remove(exchanges.Single(e => (string?)e!["role"] == "writer" && (int?)e["turn"] == 2));
        var path = Path.Combine(Directory.CreateTempSubdirectory("agentmesh-cassette-").FullName, "short.json");
        File.WriteAllText(path, cassette.ToJsonString());
        using var scenario = new ExampleScenario(path);

        var (exitCode, stdout, _) = await CliProcess.RunAsync("run", ScenarioFile(scenario), "--data", scenario.DataDirectory, "--output", "json", "--auto-approve");

        Assert.Equal(1, exitCode);
        var last = JsonDocument.Parse(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).RootElement.GetProperty("statusChanged");
        Assert.Equal("RUN_STATUS_FAILED", last.GetProperty("status").GetString());
        Assert.Contains("writer", last.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains("turn 2", last.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Auto_approve_and_auto_deny_together_are_a_bad_argument()
    {
        using var scenario = new ExampleScenario();
        var (exitCode, stdout, stderr) = await CliProcess.RunAsync("run", ScenarioFile(scenario), "--data", scenario.DataDirectory, "--auto-approve", "--auto-deny");

        Assert.Equal(2, exitCode);
        Assert.Contains("--auto-approve and --auto-deny cannot be used together.", stdout + stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(scenario.DataDirectory, "state.db")), "no host was started");
    }

    /// <summary>A scenario.json like the example's, but with this test's cassette.</summary>
    private static string ScenarioFile(ExampleScenario scenario)
    {
        var file = Path.Combine(scenario.DataDirectory, "scenario.json");
        File.WriteAllText(file, new JsonObject
        {
            ["goal"] = ExampleScenario.Goal,
            ["workspace"] = RepoPaths.Root,
            ["mcpServers"] = Path.Combine(ExampleScenario.ExampleDirectory, "mcp.json"),
            ["cassette"] = scenario.CassettePath,
        }.ToJsonString());
        return file;
    }
}
