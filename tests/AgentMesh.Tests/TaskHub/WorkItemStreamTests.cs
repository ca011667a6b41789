using AgentMesh.TaskHub;
using AgentMesh.Tests.Hosting;
using AgentMesh.Tests.ToolHost;
using Dapr.DurableTask.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace AgentMesh.Tests.TaskHub;

/// <summary>
/// The work-item protocol seen from a worker, with the SDK package's raw TaskHubSidecarService client
/// playing the worker over real gRPC: fresh completion tokens, stale completions dropped, the work of
/// a dropped stream dispatched again, and token-less completions (the older revision) matched by what they name.
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
    public async Task A_first_turn_answered_after_its_pending_instance_was_terminated_does_not_reopen_it()
    {
        await Client.StartInstanceAsync(new CreateInstanceRequest { InstanceId = "t1", Name = "Any" });
        using var stream = Client.GetWorkItems(new GetWorkItemsRequest());
        var turn = await ReadOneAsync(stream);
        await Client.TerminateInstanceAsync(new TerminateRequest { InstanceId = "t1", Output = "\"stop\"" });

        var complete = new WorkflowAction { Id = 0, CompleteWorkflow = new CompleteWorkflowAction { WorkflowStatus = OrchestrationStatus.Completed, Result = "\"late\"" } };
        await Client.CompleteWorkflowTaskAsync(new WorkflowResponse { InstanceId = "t1", CompletionToken = turn.CompletionToken, Actions = { complete } });

        var state = await Client.GetInstanceAsync(new GetInstanceRequest { InstanceId = "t1", GetInputsAndOutputs = true });
        Assert.Equal((OrchestrationStatus.Terminated, "\"stop\""), (state.WorkflowState.WorkflowStatus, state.WorkflowState.Output));
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

    // The older protocol revision (@dapr/dapr 3.18) completes turns through the deprecated method name.
#pragma warning disable CS0612
    [Fact]
    public async Task Completions_without_a_token_as_the_older_protocol_revision_sends_them_are_matched_by_instance_and_task_id()
    {
        await Client.StartInstanceAsync(new CreateInstanceRequest { InstanceId = "old1", Name = "Any" });
        using var stream = Client.GetWorkItems(new GetWorkItemsRequest());
        Assert.Equal("old1", (await ReadOneAsync(stream)).WorkflowRequest.InstanceId);
        var schedule = new WorkflowAction { Id = 1, ScheduleTask = new ScheduleTaskAction { Name = "Step", Input = "1" } };
        await Client.CompleteOrchestratorTaskAsync(new WorkflowResponse { InstanceId = "old1", Actions = { schedule } });

        var activity = (await ReadOneAsync(stream)).ActivityRequest;
        Assert.Equal(("old1", 1), (activity.WorkflowInstance.InstanceId, activity.TaskId));
        await Client.CompleteActivityTaskAsync(new ActivityResponse { InstanceId = "old1", TaskId = 2, Result = "\"wrong task\"" }); // names no task in flight: dropped
        await Client.CompleteActivityTaskAsync(new ActivityResponse { InstanceId = "old1", TaskId = 1, Result = "\"stepped\"" });

        var turn = (await ReadOneAsync(stream)).WorkflowRequest;
        Assert.Equal((1, "\"stepped\""), (turn.NewEvents[1].TaskCompleted.TaskScheduledId, turn.NewEvents[1].TaskCompleted.Result));
        var complete = new WorkflowAction { Id = 2, CompleteWorkflow = new CompleteWorkflowAction { WorkflowStatus = OrchestrationStatus.Completed, Result = "\"done\"" } };
        await Client.CompleteOrchestratorTaskAsync(new WorkflowResponse { InstanceId = "old1", Actions = { complete } });
        var done = await Client.WaitForInstanceCompletionAsync(new GetInstanceRequest { InstanceId = "old1", GetInputsAndOutputs = true }, deadline: DateTime.UtcNow.AddSeconds(30));
        Assert.Equal((OrchestrationStatus.Completed, "\"done\""), (done.WorkflowState.WorkflowStatus, done.WorkflowState.Output));
    }
#pragma warning restore CS0612

    private static async Task<WorkItem> ReadOneAsync(AsyncServerStreamingCall<WorkItem> call)
    {
        Assert.True(await call.ResponseStream.MoveNext().WaitAsync(TimeSpan.FromSeconds(30)));
        return call.ResponseStream.Current;
    }
}
