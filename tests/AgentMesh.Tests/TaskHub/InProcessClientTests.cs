using AgentMesh.TaskHub;
using AgentMesh.TaskHub.Dispatch;
using Dapr.Workflow;
using Grpc.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sidecar = Dapr.DurableTask.Protobuf;

namespace AgentMesh.Tests.TaskHub;

/// <summary>
/// The SDK beside the hub calling it in-process (<c>AddTaskHubInProcessClient</c>): a host with no server
/// at all, where DAPR_GRPC_ENDPOINT names a port nothing listens on, so every call the SDK's worker and
/// client make must be in-process. The statuses callers see are those of gRPC over the network.
/// </summary>
public sealed class InProcessClientTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("agentmesh-inproc-").FullName;
    private IHost _host = null!;

    private DaprWorkflowClient Client => _host.Services.GetRequiredService<DaprWorkflowClient>();

    private Sidecar.TaskHubSidecarService.TaskHubSidecarServiceClient Raw => _host.Services.GetRequiredService<Sidecar.TaskHubSidecarService.TaskHubSidecarServiceClient>();

    public async Task InitializeAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration["DAPR_GRPC_ENDPOINT"] = "http://127.0.0.1:9";
        builder.Services.AddTaskHub(o => o.DatabasePath = Path.Combine(_directory, "taskhub.db"));
        builder.Services.AddDaprWorkflow();
        builder.Services.AddTaskHubInProcessClient<Sidecar.TaskHubSidecarService.TaskHubSidecarServiceClient>();
        _host = builder.Build();
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task The_SDK_runs_workflows_with_no_server_listening()
    {
        var id = "inproc-" + Guid.NewGuid().ToString("N");
        await Client.ScheduleNewWorkflowAsync(nameof(ChainWorkflow), id, "start");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var state = await Client.WaitForWorkflowCompletionAsync(id, true, timeout.Token);

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal("start>inproc>inproc>inproc", state.ReadOutputAs<string>());
        Assert.Equal(1, _host.Services.GetRequiredService<WorkItemDispatcher>().ConnectedWorkers);
    }

    [Fact]
    public async Task A_status_the_hub_raises_reaches_the_caller_with_its_message()
    {
        var call = Raw.RaiseEventAsync(new Sidecar.RaiseEventRequest { InstanceId = "bad\nid", Name = "go" });
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("instanceId", error.Status.Detail);
        Assert.Equal(StatusCode.InvalidArgument, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task A_blocking_wait_past_its_deadline_is_DEADLINE_EXCEEDED_and_one_cancelled_is_CANCELLED()
    {
        var id = "parked-" + Guid.NewGuid().ToString("N");
        await Client.ScheduleNewWorkflowAsync(nameof(ParkedWorkflow), id, false);
        var request = new Sidecar.GetInstanceRequest { InstanceId = id };

        var late = await Assert.ThrowsAsync<RpcException>(() => Raw.WaitForInstanceCompletionAsync(request, deadline: DateTime.UtcNow.AddMilliseconds(300)).ResponseAsync);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var cancelled = await Assert.ThrowsAsync<RpcException>(() => Raw.WaitForInstanceCompletionAsync(request, cancellationToken: cancel.Token).ResponseAsync);

        Assert.Equal(StatusCode.DeadlineExceeded, late.StatusCode);
        Assert.Equal(StatusCode.Cancelled, cancelled.StatusCode);
        await Client.RaiseEventAsync(id, "release", "done");
        request.GetInputsAndOutputs = true;
        Assert.Equal("\"done\"", (await Raw.WaitForInstanceCompletionAsync(request, deadline: DateTime.UtcNow.AddSeconds(30))).WorkflowState.Output);
    }

    [Fact]
    public async Task Disposing_a_work_item_stream_ends_it_on_the_hub()
    {
        var dispatcher = _host.Services.GetRequiredService<WorkItemDispatcher>();
        await WaitUntilAsync(() => dispatcher.ConnectedWorkers == 1);

        using (var stream = Raw.GetWorkItems(new Sidecar.GetWorkItemsRequest()))
            await WaitUntilAsync(() => dispatcher.ConnectedWorkers == 2);

        await WaitUntilAsync(() => dispatcher.ConnectedWorkers == 1);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not become true within 10 s.");
            await Task.Delay(20);
        }
    }
}
