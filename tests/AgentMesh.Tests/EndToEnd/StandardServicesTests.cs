using AgentMesh.Cli.Hosting;
using AgentMesh.Clients;
using AgentMesh.Contracts.V1;
using AgentMesh.Grpc;
using AgentMesh.Grpc.Client;
using AgentMesh.Tests.Grpc;
using Xunit;

namespace AgentMesh.Tests.EndToEnd;

/// <summary>
/// Health and reflection on the all-in-one host, checked by real peers: the npm reflection client
/// (v1 and v1alpha) calls the Orchestrator with descriptors it got by reflection only; grpc-js
/// health sees every service SERVING, then NOT_SERVING when the host stops (in process and as
/// `agentmesh up` receiving SIGTERM).
/// </summary>
public sealed class StandardServicesTests
{
    private static readonly string[] MeshServices =
    [
        "agentmesh.v1.Agents", "agentmesh.v1.Orchestrator", "agentmesh.v1.Planner", "agentmesh.v1.State", "agentmesh.v1.ToolHost",
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
        var afterStop = (await peer.ReadJsonAsync()).GetProperty("watch");
        var end = (await peer.ReadJsonAsync()).GetProperty("end");
        await stop.WaitAsync(EchoMethods.WaitLimit);

        Assert.Equal("SERVING", check.GetProperty("status").GetString());
        Assert.Equal(("SERVING", "NOT_SERVING", "OK"), (first.GetString(), afterStop.GetString(), end.GetString()));
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
        var afterStop = (await peer.ReadJsonAsync()).GetProperty("watch");
        var end = (await peer.ReadJsonAsync()).GetProperty("end");

        Assert.Equal("SERVING", check.GetProperty("status").GetString());
        Assert.Equal(("SERVING", "NOT_SERVING", "OK"), (first.GetString(), afterStop.GetString(), end.GetString()));
        Assert.Equal(0, await up.ExitCodeAsync());
    }

    [Fact]
    public async Task On_SIGTERM_agentmesh_up_drains_an_open_WatchRun_until_the_drain_bound_then_exits_0()
    {
        using var scenario = new ExampleScenario();
        var drain = new Dictionary<string, string> { ["Grpc__ShutdownDrainTimeout"] = "00:00:04" };
        using var up = await HostProcess.StartAsync(scenario.UpArguments(HostProcess.FreePort()), drain);
        using var channel = GrpcChannel.ForAddress(up.Address);
        var client = new OrchestratorClient(channel);
        var runId = (await client.StartRunAsync(new StartRunRequest { Goal = ExampleScenario.Goal })).RunId;
        using var watch = client.WatchRun(new WatchRunRequest { RunId = runId });
        while (await watch.ResponseStream.MoveNext().WaitAsync(TimeSpan.FromSeconds(120))
            && watch.ResponseStream.Current.StatusChanged is not { Status: RunStatus.AwaitingApproval })
        {
        }

        // The run waits for an approval, so the watch stays open through the drain.
        up.Terminate();
        var ended = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await watch.ResponseStream.MoveNext().WaitAsync(TimeSpan.FromSeconds(60)))
            {
            }
        });

        Assert.Equal(StatusCode.Unavailable, ended.StatusCode);
        Assert.Contains("shutdown drain timeout", ended.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0, await up.ExitCodeAsync());
    }
}
