using System.Text.Json;
using AgentMesh.TaskHub;
using AgentMesh.Tests.EndToEnd;
using AgentMesh.Tests.Hosting;
using AgentMesh.Tests.ToolHost;
using Dapr.DurableTask.Protobuf;
using Microsoft.Extensions.DependencyInjection;

namespace AgentMesh.Tests.TaskHub;

/// <summary>
/// Dapr's JavaScript SDK (@dapr/dapr 3.18.0 from npm: its WorkflowRuntime as the worker, its
/// DaprWorkflowClient as the client) runs workflows on the embedded hub over real gRPC. The SDK speaks
/// an older revision of TaskHubSidecarService (OrchestratorRequest/OrchestratorResponse, no completion
/// tokens). The host serves the hub only: a .NET worker beside it would take the JS workflows' turns.
/// The peer (TaskHub/peers/dapr-js-workflows.js) prints one JSON line per run; the hub's own record of
/// the instance is checked as well.
/// </summary>
public sealed class DaprJsSdkTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private TestGrpcHost _host = null!;

    public async Task InitializeAsync() => _host = await TestGrpcHost.StartAsync(
        services => services.AddTaskHub(o => o.DatabasePath = Path.Combine(_dir.Path, "taskhub.db")),
        endpoints => endpoints.MapTaskHub());

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task An_activity_chain_passes_each_result_on()
    {
        var run = await RunAsync("chain");

        Assert.Equal("start>js>js>js", run.GetProperty("output").GetString());
        Assert.Equal(["start", "start>js", "start>js>js"], ActivityInputsRunOnce(run).Select(i => JsonSerializer.Deserialize<string>(i)));
        await AssertHubCompletedAsync(run, "\"start>js>js>js\"");
    }

    [Fact]
    public async Task A_fan_out_runs_every_activity_once_and_fans_in()
    {
        var run = await RunAsync("fan-out");

        Assert.Equal(385, run.GetProperty("output").GetInt32());
        Assert.Equal(Enumerable.Range(1, 10), ActivityInputsRunOnce(run).Select(int.Parse).Order());
        await AssertHubCompletedAsync(run, "385");
    }

    [Fact]
    public async Task An_external_event_raised_by_the_client_reaches_the_waiting_workflow_before_its_timer()
    {
        var run = await RunAsync("external-event");

        var output = run.GetProperty("output");
        Assert.True(output.GetProperty("approved").GetBoolean());
        Assert.Equal("dapr-js", output.GetProperty("decision").GetProperty("by").GetString());
        await AssertHubCompletedAsync(run, null);
        var history = await Client.GetInstanceHistoryAsync(new GetInstanceHistoryRequest { InstanceId = run.GetProperty("instanceId").GetString() });
        var raised = Assert.Single(history.Events, e => e.EventRaised is not null).EventRaised;
        Assert.Equal(("approval", "{\"by\":\"dapr-js\"}"), (raised.Name, raised.Input));
        Assert.Single(history.Events, e => e.TimerCreated is not null);
    }

    private TaskHubSidecarService.TaskHubSidecarServiceClient Client => new(_host.Channel);

    /// <summary>Runs the peer for <paramref name="scenario"/> against the hub; its result line, which says the instance completed.</summary>
    private async Task<JsonElement> RunAsync(string scenario)
    {
        var address = new Uri(_host.Address);
        var script = Path.Combine(RepoPaths.Root, "tests", "AgentMesh.Tests", "TaskHub", "peers", "dapr-js-workflows.js");
        var (exitCode, stdout, stderr) = await PeerRun.RunAsync("node", [script, scenario, address.Host, address.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.True(exitCode == 0, $"node exited with {exitCode} (run `npm ci` for @dapr/dapr): {stderr}");

        var run = JsonDocument.Parse(Assert.Single(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))).RootElement.Clone();
        Assert.Equal((scenario, "COMPLETED"), (run.GetProperty("scenario").GetString(), run.GetProperty("status").GetString()));
        return run;
    }

    /// <summary>The inputs (JSON) the peer's activities ran with for the run's instance, checking each ran exactly once.</summary>
    private static IEnumerable<string> ActivityInputsRunOnce(JsonElement run)
    {
        var prefix = run.GetProperty("instanceId").GetString() + "/";
        var runs = run.GetProperty("activityRuns").EnumerateObject().ToList();
        Assert.All(runs, r => Assert.StartsWith(prefix, r.Name, StringComparison.Ordinal));
        Assert.All(runs, r => Assert.Equal(1, r.Value.GetInt32()));
        return runs.Select(r => r.Name[prefix.Length..]);
    }

    /// <summary>The hub itself holds the instance as completed, with <paramref name="output"/> when given.</summary>
    private async Task AssertHubCompletedAsync(JsonElement run, string? output)
    {
        var stored = await Client.GetInstanceAsync(new GetInstanceRequest { InstanceId = run.GetProperty("instanceId").GetString(), GetInputsAndOutputs = true });
        Assert.Equal(OrchestrationStatus.Completed, stored.WorkflowState.WorkflowStatus);
        if (output is not null)
            Assert.Equal(output, stored.WorkflowState.Output);
    }
}
