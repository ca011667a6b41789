using AgentMesh.Workflow;
using Xunit;

namespace AgentMesh.Tests.Workflow;

/// <summary>Activities: sequence, parallel fan-out, retries, failures (real host, real SQLite file).</summary>
public sealed class WorkflowActivityTests
{
    private static readonly TimeSpan Timeout = WorkflowTestHost.Timeout;

    [Fact]
    public async Task Sequence_of_activities_completes_with_output()
    {
        await using var host = await WorkflowTestHost.StartAsync();
        var id = await host.Client.ScheduleNewWorkflowAsync(nameof(SequenceWorkflow), input: "mesh");

        var state = await host.Client.WaitForWorkflowCompletionAsync(id).WaitAsync(Timeout);

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal("HELLO, MESH!", state.ReadOutputAs<string>());
        Assert.Equal("mesh", state.ReadInputAs<string>());
        Assert.Equal(1, ActivityLog.Count($"{id}:{nameof(Greet)}"));
        Assert.True(state.LastUpdatedAt >= state.CreatedAt);
    }

    [Fact]
    public async Task Workflow_registered_under_explicit_name_runs()
    {
        await using var host = await WorkflowTestHost.StartAsync();
        var id = await host.Client.ScheduleNewWorkflowAsync("renamed-sequence", input: "x");
        var state = await host.Client.WaitForWorkflowCompletionAsync(id).WaitAsync(Timeout);
        Assert.Equal("HELLO, X!", state.ReadOutputAs<string>());
        Assert.Equal("renamed-sequence", state.Name);
    }

    [Fact]
    public async Task Fan_out_runs_activities_in_parallel_and_fans_in()
    {
        await using var host = await WorkflowTestHost.StartAsync();
        var id = await host.Client.ScheduleNewWorkflowAsync(nameof(FanOutWorkflow), input: 5);

        var state = await host.Client.WaitForWorkflowCompletionAsync(id).WaitAsync(Timeout);

        Assert.Null(state.FailureDetails);
        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal(1 + 4 + 9 + 16 + 25, state.ReadOutputAs<int>());
    }

    [Fact]
    public async Task Failing_activity_is_retried_on_durable_timers_until_it_succeeds()
    {
        await using var host = await WorkflowTestHost.StartAsync();
        var key = Guid.NewGuid().ToString("N");
        var id = await host.Client.ScheduleNewWorkflowAsync(nameof(RetryWorkflow), input: key);

        var state = await host.Client.WaitForWorkflowCompletionAsync(id).WaitAsync(Timeout);

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal("ok after 3", state.ReadOutputAs<string>());
        var history = WorkflowTestHost.ReadHistory(host.DatabasePath, id);
        Assert.Equal(2, history.Count(e => e.TaskFailed is not null));
        Assert.Equal(2, history.Count(e => e.TimerFired is not null));
        var timers = history.Where(e => e.TimerCreated is not null).Select(e => e.TimerCreated.FireAt.ToDateTime()).ToList();
        var scheduled = history.Where(e => e.TimerCreated is not null).Select(e => e.Timestamp.ToDateTime()).ToList();
        Assert.True(timers[0] - scheduled[0] >= TimeSpan.FromMilliseconds(199), "first retry waits firstRetryInterval");
        Assert.True(timers[1] - scheduled[1] >= TimeSpan.FromMilliseconds(399), "second retry waits firstRetryInterval × backoff");
    }

    [Fact]
    public async Task Activity_failure_surfaces_as_WorkflowTaskFailedException_in_workflow_code()
    {
        await using var host = await WorkflowTestHost.StartAsync();
        var id = await host.Client.ScheduleNewWorkflowAsync(nameof(FailingWorkflow), input: new FailingInput(Catch: true));

        var state = await host.Client.WaitForWorkflowCompletionAsync(id).WaitAsync(Timeout);

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal("System.ArgumentException|bad input: x|True", state.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Unhandled_activity_failure_fails_the_instance_with_details()
    {
        await using var host = await WorkflowTestHost.StartAsync();
        var id = await host.Client.ScheduleNewWorkflowAsync(nameof(FailingWorkflow), input: new FailingInput(Catch: false));

        var state = await host.Client.WaitForWorkflowCompletionAsync(id).WaitAsync(Timeout);

        Assert.Equal(WorkflowRuntimeStatus.Failed, state.RuntimeStatus);
        var failure = Assert.IsType<WorkflowTaskFailureDetails>(state.FailureDetails);
        Assert.Equal(typeof(WorkflowTaskFailedException).FullName, failure.ErrorType);
        Assert.Contains("AlwaysFails", failure.ErrorMessage);
        Assert.Equal("System.ArgumentException", failure.InnerFailureDetails?.ErrorType);
        Assert.True(failure.IsCausedBy<ArgumentException>());
    }

    [Fact]
    public async Task Unknown_workflow_name_fails_the_instance()
    {
        await using var host = await WorkflowTestHost.StartAsync();
        var id = await host.Client.ScheduleNewWorkflowAsync("NoSuchWorkflow");
        var state = await host.Client.WaitForWorkflowCompletionAsync(id).WaitAsync(Timeout);
        Assert.Equal(WorkflowRuntimeStatus.Failed, state.RuntimeStatus);
        Assert.Contains("NoSuchWorkflow", state.FailureDetails!.ErrorMessage);
    }

    [Fact]
    public async Task Child_workflow_result_flows_to_parent()
    {
        await using var host = await WorkflowTestHost.StartAsync();
        var id = await host.Client.ScheduleNewWorkflowAsync(nameof(ParentWorkflow), input: "kid");
        var state = await host.Client.WaitForWorkflowCompletionAsync(id).WaitAsync(Timeout);
        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal("child said HELLO, KID!", state.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Replay_that_takes_different_actions_fails_the_instance_as_non_deterministic()
    {
        await using var host = await WorkflowTestHost.StartAsync();
        var key = Guid.NewGuid().ToString("N");
        SwitchingWorkflow.ActivityByKey[key] = nameof(Greet);
        var id = await host.Client.ScheduleNewWorkflowAsync(nameof(SwitchingWorkflow), input: key);
        while (!WorkflowTestHost.ReadHistory(host.DatabasePath, id).Any(e => e.TaskCompleted is not null))
            await Task.Delay(50).WaitAsync(Timeout);

        SwitchingWorkflow.ActivityByKey[key] = nameof(Shout);
        await host.Client.RaiseEventAsync(id, "go", "!");
        var state = await host.Client.WaitForWorkflowCompletionAsync(id).WaitAsync(Timeout);

        Assert.Equal(WorkflowRuntimeStatus.Failed, state.RuntimeStatus);
        Assert.Contains("Non-deterministic", state.FailureDetails!.ErrorMessage);
        Assert.Contains(nameof(Greet), state.FailureDetails.ErrorMessage);
    }
}
