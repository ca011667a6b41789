using System.Diagnostics;
using AgentMesh.Workflow;
using Xunit;

namespace AgentMesh.Tests.Workflow;

/// <summary>External events, durable timers, custom status and instance management (real host, real SQLite file).</summary>
public sealed class WorkflowEventAndTimerTests
{
    private static readonly TimeSpan Timeout = WorkflowTestHost.Timeout;

    [Fact]
    public async Task External_event_is_received()
    {
        await using var host = await WorkflowTestHost.StartAsync();
        var id = await host.Client.ScheduleNewWorkflowAsync(nameof(ApprovalWorkflow), input: 60.0);
        await host.Client.WaitForWorkflowStartAsync(id).WaitAsync(Timeout);

        await host.Client.RaiseEventAsync(id, "Approval", "alice");
        var state = await host.Client.WaitForWorkflowCompletionAsync(id).WaitAsync(Timeout);

        Assert.Equal("approved by alice", state.ReadOutputAs<string>());
    }

    [Fact]
    public async Task External_event_raised_before_the_wait_is_buffered()
    {
        await using var host = await WorkflowTestHost.StartAsync();
        var id = await host.Client.ScheduleNewWorkflowAsync(nameof(ApprovalWorkflow), input: 60.0, startTime: DateTimeOffset.UtcNow.AddMilliseconds(500));
        await host.Client.RaiseEventAsync(id, "approval", "early-bird");
        Assert.Equal(WorkflowRuntimeStatus.Pending, (await host.Client.GetWorkflowStateAsync(id))!.RuntimeStatus);

        var state = await host.Client.WaitForWorkflowCompletionAsync(id).WaitAsync(Timeout);

        Assert.Equal("approved by early-bird", state.ReadOutputAs<string>());
    }

    [Fact]
    public async Task External_event_timeout_throws_TaskCanceledException_in_workflow()
    {
        await using var host = await WorkflowTestHost.StartAsync();
        var id = await host.Client.ScheduleNewWorkflowAsync(nameof(ApprovalWorkflow), input: 0.5);

        var state = await host.Client.WaitForWorkflowCompletionAsync(id).WaitAsync(Timeout);

        Assert.Equal("timed out", state.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Durable_timer_fires_after_its_delay()
    {
        await using var host = await WorkflowTestHost.StartAsync();
        var clock = Stopwatch.StartNew();
        var id = await host.Client.ScheduleNewWorkflowAsync(nameof(TimerWorkflow), input: 1.0);

        var state = await host.Client.WaitForWorkflowCompletionAsync(id).WaitAsync(Timeout);

        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1), $"completed after {clock.Elapsed}");
        Assert.True(state.ReadOutputAs<double>() >= 1.0, "CurrentUtcDateTime advanced by at least the delay");
        var history = WorkflowTestHost.ReadHistory(host.DatabasePath, id);
        Assert.Equal(history.Single(e => e.TimerCreated is not null).EventId, history.Single(e => e.TimerFired is not null).TimerFired.TimerId);
    }

    [Fact]
    public async Task Custom_status_is_reported_while_running_and_after_completion()
    {
        await using var host = await WorkflowTestHost.StartAsync();
        var id = await host.Client.ScheduleNewWorkflowAsync(nameof(StatusWorkflow), input: "job");

        var waiting = await PollAsync(host.Client, id, s => s.ReadCustomStatusAs<Progress>()?.Step == "waiting");
        await host.Client.RaiseEventAsync(id, "go", "now");
        var done = await host.Client.WaitForWorkflowCompletionAsync(id).WaitAsync(Timeout);

        Assert.Equal(WorkflowRuntimeStatus.Running, waiting.RuntimeStatus);
        Assert.Equal("job:now", done.ReadOutputAs<string>());
        var final = done.ReadCustomStatusAs<Progress>()!;
        Assert.Equal("done", final.Step);
        Assert.NotEqual(waiting.ReadCustomStatusAs<Progress>()!.Id, final.Id);
        Assert.Null((await host.Client.GetWorkflowStateAsync(id, getInputsAndOutputs: false))!.SerializedCustomStatus);
    }

    [Fact]
    public async Task Terminate_stops_the_instance_with_the_given_output()
    {
        await using var host = await WorkflowTestHost.StartAsync();
        var id = await host.Client.ScheduleNewWorkflowAsync(nameof(ApprovalWorkflow), input: 600.0);
        await host.Client.WaitForWorkflowStartAsync(id).WaitAsync(Timeout);

        await host.Client.TerminateWorkflowAsync(id, new { reason = "operator" });
        var state = await host.Client.WaitForWorkflowCompletionAsync(id).WaitAsync(Timeout);

        Assert.Equal(WorkflowRuntimeStatus.Terminated, state.RuntimeStatus);
        Assert.Equal("{\"reason\":\"operator\"}", state.SerializedOutput);
        await host.Client.RaiseEventAsync(id, "approval", "too late");   // ignored, no error
        Assert.True(await host.Client.PurgeInstanceAsync(id));
        Assert.Null(await host.Client.GetWorkflowStateAsync(id));
        Assert.Empty(WorkflowTestHost.ReadHistory(host.DatabasePath, id));
    }

    [Fact]
    public async Task Suspended_instance_holds_events_until_resumed()
    {
        await using var host = await WorkflowTestHost.StartAsync();
        var id = await host.Client.ScheduleNewWorkflowAsync(nameof(ApprovalWorkflow), input: 600.0);
        await host.Client.WaitForWorkflowStartAsync(id).WaitAsync(Timeout);

        await host.Client.SuspendWorkflowAsync(id, "maintenance");
        await PollAsync(host.Client, id, s => s.RuntimeStatus == WorkflowRuntimeStatus.Suspended);
        await host.Client.RaiseEventAsync(id, "approval", "bob");
        await Task.Delay(500);
        Assert.Equal(WorkflowRuntimeStatus.Suspended, (await host.Client.GetWorkflowStateAsync(id))!.RuntimeStatus);

        await host.Client.ResumeWorkflowAsync(id, "done");
        var state = await host.Client.WaitForWorkflowCompletionAsync(id).WaitAsync(Timeout);

        Assert.Equal("approved by bob", state.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Continue_as_new_restarts_with_new_input_and_fresh_history()
    {
        await using var host = await WorkflowTestHost.StartAsync();
        var id = await host.Client.ScheduleNewWorkflowAsync(nameof(CounterWorkflow), input: 1);

        var state = await host.Client.WaitForWorkflowCompletionAsync(id).WaitAsync(Timeout);

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal(3, state.ReadOutputAs<int>());
        Assert.Equal(3, state.ReadInputAs<int>());
        var history = WorkflowTestHost.ReadHistory(host.DatabasePath, id);
        Assert.Equal(1, history.Count(e => e.ExecutionStarted is not null));
        Assert.Single(history, e => e.TaskScheduled is not null);
    }

    [Fact]
    public async Task Scheduling_an_id_that_is_still_running_is_rejected()
    {
        await using var host = await WorkflowTestHost.StartAsync();
        var id = await host.Client.ScheduleNewWorkflowAsync(nameof(ApprovalWorkflow), instanceId: "run-42", input: 600.0);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => host.Client.ScheduleNewWorkflowAsync(nameof(ApprovalWorkflow), instanceId: id, input: 1.0));
        Assert.Contains("run-42", error.Message);
        await Assert.ThrowsAsync<InvalidOperationException>(() => host.Client.PurgeInstanceAsync(id));
        await Assert.ThrowsAsync<InvalidOperationException>(() => host.Client.RaiseEventAsync("no-such-instance", "x"));

        await host.Client.TerminateWorkflowAsync(id);
        await host.Client.WaitForWorkflowCompletionAsync(id).WaitAsync(Timeout);
        Assert.Equal(id, await host.Client.ScheduleNewWorkflowAsync(nameof(SequenceWorkflow), instanceId: id, input: "again"));
        var state = await host.Client.WaitForWorkflowCompletionAsync(id).WaitAsync(Timeout);
        Assert.Equal("HELLO, AGAIN!", state.ReadOutputAs<string>());
    }

    private static async Task<WorkflowState> PollAsync(WorkflowClient client, string id, Func<WorkflowState, bool> condition)
    {
        using var cancellation = new CancellationTokenSource(Timeout);
        while (true)
        {
            if (await client.GetWorkflowStateAsync(id, cancellationToken: cancellation.Token) is { } state && condition(state))
                return state;
            await Task.Delay(50, cancellation.Token);
        }
    }
}
