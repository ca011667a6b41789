using AgentMesh.Cli.Hosting;
using AgentMesh.Clients;
using AgentMesh.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Xunit;
using OrchestratorContract = AgentMesh.Contracts.V1.Orchestrator;

namespace AgentMesh.Tests.EndToEnd;

/// <summary>
/// Health, reflection and shutdown of the all-in-one host, checked by real peers: the npm reflection
/// client (v1 and v1alpha) calls the Orchestrator with descriptors it got by reflection only; grpc-js
/// health sees every service SERVING, then NOT_SERVING when the host stops (in process and as
/// `agentmesh up` receiving SIGTERM); an open WatchRun ends with a status when the host stops.
/// </summary>
public sealed class StandardServicesTests
{
    private static readonly string[] MeshServices =
    [
        "TaskHubSidecarService", "agentmesh.v1.Agents", "agentmesh.v1.Orchestrator", "agentmesh.v1.Planner", "agentmesh.v1.State", "agentmesh.v1.ToolHost",
        "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection",
    ];

    [Theory]
    [InlineData("v1")]
    [InlineData("v1alpha")]
    public async Task A_reflection_client_lists_the_mesh_services_and_calls_the_Orchestrator(string version)
    {
        using var scenario = new ExampleScenario();
        await using var host = await MeshHost.StartAsync(scenario.HostOptions());
        using var peer = NodePeer.Start("reflection-client.js", new Uri(host.Address).Authority, version, "agentmesh.v1.Orchestrator", "ListRuns", """{"page_size":10}""");

        var output = await peer.ReadJsonAsync();

        Assert.Equal(MeshServices, output.GetProperty("services").EnumerateArray().Select(s => s.GetString()).Order(StringComparer.Ordinal));
        Assert.Contains("StartRun", output.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(0, output.GetProperty("reply").GetProperty("runs").GetArrayLength());
        Assert.Equal("SERVING", output.GetProperty("health").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Health_of_the_mesh_is_SERVING_until_the_host_stops()
    {
        using var scenario = new ExampleScenario();
        await using var host = await MeshHost.StartAsync(scenario.HostOptions());
        using var peer = NodePeer.Start("health-client.js", new Uri(host.Address).Authority, "/usr/share/grpc-proto", "agentmesh.v1.State");
        var check = (await peer.ReadJsonAsync()).GetProperty("check");
        await peer.ReadJsonAsync();
        var first = (await peer.ReadJsonAsync()).GetProperty("watch");

        var stop = host.DisposeAsync().AsTask();
        var afterStop = await ReadWatchToEndAsync(peer);
        await stop.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("SERVING", check.GetProperty("status").GetString());
        Assert.Equal("SERVING", first.GetString());
        Assert.Equal(["NOT_SERVING", "end OK"], afterStop);
    }

    [Fact]
    public async Task Agentmesh_up_stops_on_SIGTERM_with_health_NOT_SERVING_and_exit_code_0()
    {
        using var scenario = new ExampleScenario();
        using var up = await HostProcess.StartAsync(scenario.UpArguments(HostProcess.FreePort()));
        using var peer = NodePeer.Start("health-client.js", new Uri(up.Address).Authority, "/usr/share/grpc-proto", "agentmesh.v1.Orchestrator");
        var check = (await peer.ReadJsonAsync()).GetProperty("check");
        await peer.ReadJsonAsync();
        var first = (await peer.ReadJsonAsync()).GetProperty("watch");

        up.Terminate();
        var afterStop = await ReadWatchToEndAsync(peer);

        Assert.Equal("SERVING", check.GetProperty("status").GetString());
        Assert.Equal("SERVING", first.GetString());
        Assert.Equal(["NOT_SERVING", "end OK"], afterStop);
        Assert.Equal(0, await up.ExitCodeAsync());
    }

    [Fact]
    public async Task On_SIGTERM_agentmesh_up_ends_an_open_WatchRun_with_UNAVAILABLE_and_the_sequence_to_resume_from()
    {
        using var scenario = new ExampleScenario();
        using var up = await HostProcess.StartAsync(scenario.UpArguments(HostProcess.FreePort()));
        using var channel = GrpcChannel.ForAddress(up.Address);
        var client = new OrchestratorContract.OrchestratorClient(channel);
        var runId = (await client.StartRunAsync(new StartRunRequest { Goal = ExampleScenario.Goal })).RunId;
        using var watch = client.WatchRun(new WatchRunRequest { RunId = runId });
        long last = 0;
        while (await watch.ResponseStream.MoveNext().WaitAsync(TimeSpan.FromSeconds(120)))
        {
            last = watch.ResponseStream.Current.Sequence;
            if (watch.ResponseStream.Current.StatusChanged is { Status: RunStatus.AwaitingApproval })
            {
                break;
            }
        }

        // The run waits for an approval, so the watch stays open until shutdown ends it.
        var stopping = System.Diagnostics.Stopwatch.StartNew();
        up.Terminate();
        var ended = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await watch.ResponseStream.MoveNext().WaitAsync(TimeSpan.FromSeconds(30)))
            {
            }
        });

        Assert.Equal(StatusCode.Unavailable, ended.StatusCode);
        Assert.Contains($"after_sequence = {last}", ended.Status.Detail, StringComparison.Ordinal);
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(10), $"the watch ended {stopping.Elapsed} after SIGTERM; the shutdown timeout is 10 s");
        Assert.Equal(0, await up.ExitCodeAsync());
    }

    /// <summary>
    /// The Watch statuses the peer prints until the call ends, each change once (the periodic health
    /// publisher may repeat SERVING), then <c>end CODE</c>.
    /// </summary>
    private static async Task<List<string>> ReadWatchToEndAsync(NodePeer peer)
    {
        var seen = new List<string>();
        while (true)
        {
            var line = await peer.ReadJsonAsync();
            if (line.TryGetProperty("end", out var end))
            {
                seen.Add("end " + end.GetString());
                return seen;
            }

            var status = line.GetProperty("watch").GetString()!;
            if (status != "SERVING" || seen.Count > 0)
            {
                seen.Add(status);
            }
        }
    }
}
