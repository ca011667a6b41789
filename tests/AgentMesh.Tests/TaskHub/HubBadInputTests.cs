using Grpc.Core;
using Grpc.Net.Client;
using Sidecar = Dapr.DurableTask.Protobuf;

namespace AgentMesh.Tests.TaskHub;

/// <summary>
/// Bad input to the hub, sent with the SDK package's raw TaskHubSidecarService client over gRPC: each call gets a
/// status a person can act on, and the hub keeps serving every other instance.
/// </summary>
public sealed class HubBadInputTests(HubFixture fixture) : IClassFixture<HubFixture>, IDisposable
{
    private readonly GrpcChannel _channel = GrpcChannel.ForAddress(fixture.Hub.Address);

    private Sidecar.TaskHubSidecarService.TaskHubSidecarServiceClient Raw => new(_channel);

    [Theory]
    [InlineData("")]
    [InlineData("bad\nid")]
    public async Task An_invalid_instance_id_is_INVALID_ARGUMENT(string instanceId)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Raw.RaiseEventAsync(new Sidecar.RaiseEventRequest { InstanceId = instanceId, Name = "go" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("instanceId", error.Status.Detail);
    }

    [Fact]
    public async Task A_duplicate_live_instance_id_is_ALREADY_EXISTS()
    {
        var id = "dup-" + Guid.NewGuid().ToString("N");
        await Raw.StartInstanceAsync(new Sidecar.CreateInstanceRequest { InstanceId = id, Name = nameof(WaitForEventWorkflow), Input = "60" });
        var error = await Assert.ThrowsAsync<RpcException>(() => Raw.StartInstanceAsync(new Sidecar.CreateInstanceRequest { InstanceId = id, Name = nameof(WaitForEventWorkflow), Input = "60" }).ResponseAsync);

        Assert.Equal(StatusCode.AlreadyExists, error.StatusCode);
        await Raw.RaiseEventAsync(new Sidecar.RaiseEventRequest { InstanceId = id, Name = "go", Input = "\"ok\"" });
        Assert.Equal("ok", (await fixture.Hub.WaitForCompletionAsync(id)).ReadOutputAs<string>());
    }

    [Fact]
    public async Task Events_for_unknown_and_finished_instances_are_refused_with_the_reason()
    {
        var missing = await Assert.ThrowsAsync<RpcException>(() => Raw.RaiseEventAsync(new Sidecar.RaiseEventRequest { InstanceId = "nobody-" + Guid.NewGuid(), Name = "go" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);

        var id = "done-" + Guid.NewGuid().ToString("N");
        await fixture.Client.ScheduleNewWorkflowAsync(nameof(ChainWorkflow), id, "x");
        await fixture.Hub.WaitForCompletionAsync(id);
        var finished = await Assert.ThrowsAsync<RpcException>(() => Raw.RaiseEventAsync(new Sidecar.RaiseEventRequest { InstanceId = id, Name = "go" }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, finished.StatusCode);
        Assert.Contains("COMPLETED", finished.Status.Detail);
    }

    [Fact]
    public async Task An_unknown_workflow_name_fails_that_instance_only()
    {
        var id = "unknown-" + Guid.NewGuid().ToString("N");
        await Raw.StartInstanceAsync(new Sidecar.CreateInstanceRequest { InstanceId = id, Name = "NoSuchWorkflow" });
        var state = await fixture.Hub.WaitForCompletionAsync(id);

        Assert.Equal(Dapr.Workflow.WorkflowRuntimeStatus.Failed, state.RuntimeStatus);
        Assert.Contains("NoSuchWorkflow", state.FailureDetails!.ErrorMessage);
        var other = "after-" + Guid.NewGuid().ToString("N");
        await fixture.Client.ScheduleNewWorkflowAsync(nameof(ChainWorkflow), other, "y");
        Assert.Equal(Dapr.Workflow.WorkflowRuntimeStatus.Completed, (await fixture.Hub.WaitForCompletionAsync(other)).RuntimeStatus);
    }

    [Fact]
    public async Task An_unknown_activity_name_fails_that_call_with_the_name_and_the_workflow_handles_it()
    {
        var id = "unknown-activity-" + Guid.NewGuid().ToString("N");
        await fixture.Client.ScheduleNewWorkflowAsync(nameof(UnknownActivityWorkflow), id, "x");
        var state = await fixture.Hub.WaitForCompletionAsync(id);

        Assert.Equal(Dapr.Workflow.WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Contains("NoSuchActivity", state.ReadOutputAs<string>());
    }

    [Fact]
    public async Task A_completion_with_a_stale_token_is_dropped()
    {
        await Raw.CompleteActivityTaskAsync(new Sidecar.ActivityResponse { InstanceId = "whoever", TaskId = 1, CompletionToken = "not-a-token", Result = "\"forged\"" });
        await Raw.CompleteWorkflowTaskAsync(new Sidecar.WorkflowResponse { InstanceId = "whoever", CompletionToken = "stale" });
        Assert.False((await Raw.GetInstanceAsync(new Sidecar.GetInstanceRequest { InstanceId = "whoever" })).Exists);

        var id = "fine-" + Guid.NewGuid().ToString("N");
        await fixture.Client.ScheduleNewWorkflowAsync(nameof(ChainWorkflow), id, "z");
        Assert.Equal("z>fine>fine>fine", (await fixture.Hub.WaitForCompletionAsync(id)).ReadOutputAs<string>());
    }

    public void Dispose() => _channel.Dispose();
}
