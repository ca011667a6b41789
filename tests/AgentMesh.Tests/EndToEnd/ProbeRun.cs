using System.Text.Json;
using System.Text.Json.Nodes;
using AgentMesh.Cli.Hosting;
using AgentMesh.Contracts.V1;
using AgentMesh.Tests.ToolHost;
using Grpc.Net.Client;
using OrchestratorContract = AgentMesh.Contracts.V1.Orchestrator;
using StateContract = AgentMesh.Contracts.V1.State;

namespace AgentMesh.Tests.EndToEnd;

/// <summary>Runs on the all-in-one host against the real probe MCP server, with scripted model turns (scripted model: no model endpoint can run here).</summary>
internal static class ProbeRun
{
    /// <summary>A one-step plan: step <c>a</c>, role researcher.</summary>
    public const string Plan = """{"steps":[{"id":"a","role":"researcher","instruction":"look"}]}""";

    /// <summary>The probe server's per-call timeout in these runs.</summary>
    public const int ToolTimeoutSeconds = 2;

    /// <summary>The order of the run's tool call events, as <c>start c1</c> / <c>done c1</c>.</summary>
    public static List<string> ToolOrder(IEnumerable<RunEvent> events) => events
        .Select(e => e.ToolCallStarted is { } s ? $"start {s.ToolCallId}" : e.ToolCallCompleted is { } c ? $"done {c.ToolCallId}" : null)
        .OfType<string>().ToList();

    /// <summary>Starts an all-in-one host whose model replays <paramref name="exchanges"/> and whose only MCP server is the probe server, with <paramref name="settings"/> added to the host's.</summary>
    public static Task<Session> StartAsync(Dictionary<string, string>? settings, params JsonObject[] exchanges) => StartAsync(settings, null, exchanges);

    /// <summary>As <see cref="StartAsync(Dictionary{string, string}?, JsonObject[])"/>, with <paramref name="configure"/> applied to the host's options last.</summary>
    public static async Task<Session> StartAsync(Dictionary<string, string>? settings, Action<MeshHostOptions>? configure, params JsonObject[] exchanges)
    {
        var scenario = new ExampleScenario(Cassettes.Write(exchanges));
        var options = HostOptions(scenario);
        foreach (var (key, value) in settings ?? [])
            options.Settings[key] = value;
        configure?.Invoke(options);
        var host = await MeshHost.StartAsync(options);
        return new Session(scenario, host, GrpcChannel.ForAddress(host.Address));
    }

    /// <summary>Options of an all-in-one host for <paramref name="scenario"/> (its cassette and data folder) whose only MCP server is the probe server.</summary>
    public static MeshHostOptions HostOptions(ExampleScenario scenario)
    {
        var config = Path.Combine(Path.GetDirectoryName(scenario.CassettePath)!, "mcp.json");
        File.WriteAllText(config, new JsonObject
        {
            ["mcpServers"] = new JsonObject { ["probe"] = new JsonObject { ["command"] = "node", ["args"] = new JsonArray(McpTestServers.ProbeScript) } },
            // Short enough for a test to see a server that does not answer.
            ["agentmesh"] = new JsonObject { ["toolTimeoutSeconds"] = ToolTimeoutSeconds },
        }.ToJsonString());
        var options = scenario.HostOptions();
        options.McpConfigPath = config;
        return options;
    }

    /// <summary>Runs a one-step plan (researcher) whose first turn makes <paramref name="calls"/> with <paramref name="settings"/> added to the host's; returns the run's events and the tool entries of the step's transcript (call id, text), in order.</summary>
    public static async Task<(List<RunEvent> Events, List<(string Id, string Text)> Transcript)> RunTurnAsync(Dictionary<string, string>? settings, params (string, string, JsonObject)[] calls)
    {
        await using var session = await StartAsync(
            settings,
            Cassettes.Planner(1, Plan),
            Cassettes.ToolCalls("researcher", "a", 1, calls),
            Cassettes.Answer("researcher", "a", 2, "seen"));
        var runId = (await session.Client.StartRunAsync(new StartRunRequest { Goal = "a goal" })).RunId;
        var events = await RunObserver.WatchAsync(session.Client, runId);
        Assert.Equal(RunStatus.Completed, RunObserver.FinalStatus(events));
        var checkpoint = await new StateContract.StateClient(session.Channel).GetCheckpointAsync(new GetCheckpointRequest { Key = $"{runId}/a" });
        using var json = JsonDocument.Parse(checkpoint.Data.Memory);
        var transcript = json.RootElement.GetProperty("transcript").EnumerateArray()
            .Where(e => e.GetProperty("kind").GetString() == "tool")
            .Select(e => (e.GetProperty("toolCallId").GetString()!, e.GetProperty("text").GetString() ?? "")).ToList();
        return (events, transcript);
    }

    /// <summary>A running probe host and a channel to it; disposing stops the host and deletes its data folder.</summary>
    internal sealed class Session(ExampleScenario scenario, MeshHost host, GrpcChannel channel) : IAsyncDisposable
    {
        public GrpcChannel Channel => channel;

        public OrchestratorContract.OrchestratorClient Client { get; } = new(channel);

        public async ValueTask DisposeAsync()
        {
            channel.Dispose();
            await host.DisposeAsync();
            scenario.Dispose();
        }
    }
}
