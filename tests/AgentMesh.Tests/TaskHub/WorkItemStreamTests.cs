using AgentMesh.TaskHub;
using AgentMesh.Tests.Hosting;
using AgentMesh.Tests.ToolHost;
using Dapr.DurableTask.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace AgentMesh.Tests.TaskHub;

/// <summary>
/// The work-item protocol seen from a worker, with the SDK package's raw TaskHubSidecarService client
/// playing the worker over real gRPC: fresh completion tokens, stale completions dropped, and the
/// work of a dropped stream dispatched again.
/// </summary>
public sealed class WorkItemStreamTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private TestGrpcHost _host = null!;

    private TaskHubSidecarService.TaskHubSidecarServiceClient Client => new(_host.Channel);

    public async Task InitializeAsync() => _host = await TestGrpcHost.StartAsync(
        services => services.AddTaskHub(o => o.DatabasePath = Path.Combine(_dir.Path, "taskhub.db")),
        endpoints => endpoints.MapTaskHub());

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_turn_held_by_a_dropped_stream_is_sent_again_with_a_new_token_and_the_old_token_is_stale()
    {
        await Client.StartInstanceAsync(new CreateInstanceRequest { InstanceId = "w1", Name = "Any", Input = "\"in\"" });

        var dropped = Client.GetWorkItems(new GetWorkItemsRequest());
        var first = await ReadOneAsync(dropped);
        dropped.Dispose();
        using (var stream = Client.GetWorkItems(new GetWorkItemsRequest()))
        {
            var second = await ReadOneAsync(stream);
            Assert.Equal("w1", second.WorkflowRequest.InstanceId);
            Assert.NotEqual(first.CompletionToken, second.CompletionToken);
            Assert.NotNull(second.WorkflowRequest.NewEvents[0].WorkflowStarted);
            Assert.NotNull(second.WorkflowRequest.NewEvents[1].ExecutionStarted);

            var complete = new WorkflowAction
            {
                Id = 0, CompleteWorkflow = new CompleteWorkflowAction { WorkflowStatus = OrchestrationStatus.Completed, Result = "\"done\"" },
            };
            await Client.CompleteWorkflowTaskAsync(new WorkflowResponse { InstanceId = "w1", CompletionToken = first.CompletionToken, Actions = { complete } });
            var afterStale = await Client.GetInstanceAsync(new GetInstanceRequest { InstanceId = "w1" });
            Assert.Equal(OrchestrationStatus.Pending, afterStale.WorkflowState.WorkflowStatus); // the stale answer committed nothing

            await Client.CompleteWorkflowTaskAsync(new WorkflowResponse { InstanceId = "w1", CompletionToken = second.CompletionToken, Actions = { complete } });
            var done = await Client.WaitForInstanceCompletionAsync(new GetInstanceRequest { InstanceId = "w1", GetInputsAndOutputs = true }, deadline: DateTime.UtcNow.AddSeconds(30));
            Assert.Equal((OrchestrationStatus.Completed, "\"done\""), (done.WorkflowState.WorkflowStatus, done.WorkflowState.Output));
        }
    }

    [Fact]
    public async Task A_turn_answered_as_stalled_leaves_the_instance_STALLED_until_a_new_event_gives_it_another_turn()
    {
        await Client.StartInstanceAsync(new CreateInstanceRequest { InstanceId = "s1", Name = "Any" });
        using var stream = Client.GetWorkItems(new GetWorkItemsRequest());
        var turn = await ReadOneAsync(stream);
        var stall = new WorkflowAction
        {
            Id = 0, CompleteWorkflow = new CompleteWorkflowAction { WorkflowStatus = OrchestrationStatus.Stalled, Details = "patch 'v3' is not in this worker" },
        };
        await Client.CompleteWorkflowTaskAsync(new WorkflowResponse { InstanceId = "s1", CompletionToken = turn.CompletionToken, Actions = { stall } });

        var stalled = await Client.GetInstanceAsync(new GetInstanceRequest { InstanceId = "s1" });
        Assert.Equal(OrchestrationStatus.Stalled, stalled.WorkflowState.WorkflowStatus);
        var history = await Client.GetInstanceHistoryAsync(new GetInstanceHistoryRequest { InstanceId = "s1" });
        Assert.Contains(history.Events, e => e.ExecutionStalled is { Reason: StalledReason.PatchMismatch } s && s.Description == "patch 'v3' is not in this worker");

        await Client.RaiseEventAsync(new RaiseEventRequest { InstanceId = "s1", Name = "nudge" });
        var next = await ReadOneAsync(stream);
        Assert.Equal("nudge", next.WorkflowRequest.NewEvents[^1].EventRaised.Name);
    }

    private static async Task<WorkItem> ReadOneAsync(AsyncServerStreamingCall<WorkItem> call)
    {
        Assert.True(await call.ResponseStream.MoveNext().WaitAsync(TimeSpan.FromSeconds(30)));
        return call.ResponseStream.Current;
    }
}
