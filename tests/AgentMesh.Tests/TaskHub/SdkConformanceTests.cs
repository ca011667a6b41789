using AgentMesh.TaskHub.Backend;
using Dapr.Workflow;
using Microsoft.Extensions.DependencyInjection;

namespace AgentMesh.Tests.TaskHub;

/// <summary>Dapr's .NET SDK calling the hub over real gRPC on its loopback port, as it calls daprd.</summary>
public sealed class SdkConformanceOverGrpcTests(HubFixture fixture) : SdkConformanceTests(fixture.Hub), IClassFixture<HubFixture>;

/// <summary>Dapr's .NET SDK hosted beside the hub and calling it in-process, as the Orchestrator runs it.</summary>
public sealed class SdkConformanceInProcessTests(InProcessHubFixture fixture) : SdkConformanceTests(fixture.Hub), IClassFixture<InProcessHubFixture>;

/// <summary>
/// Dapr's own .NET SDK (Dapr.Workflow 1.19.1 worker and DaprWorkflowClient) runs the workflow
/// patterns against the embedded hub over a real SQLite file.
/// </summary>
public abstract class SdkConformanceTests(HubHost hub)
{
    private readonly DaprWorkflowClient _client = hub.Client;

    private static string NewId(string scenario) => $"{scenario}-{Guid.NewGuid():N}";

    private async Task<WorkflowState> RunAsync<TWorkflow>(string id, object? input)
    {
        await _client.ScheduleNewWorkflowAsync(typeof(TWorkflow).Name, id, input);
        return await hub.WaitForCompletionAsync(id);
    }

    [Fact]
    public async Task An_activity_chain_completes_with_each_result_passed_on()
    {
        var id = NewId("chain");
        var state = await RunAsync<ChainWorkflow>(id, "start");

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal("start>chain>chain>chain", state.ReadOutputAs<string>());
    }

    [Fact]
    public async Task A_fan_out_runs_every_activity_once_and_fans_in()
    {
        var id = NewId("fan");
        var state = await RunAsync<FanOutWorkflow>(id, 10);

        Assert.Equal(385, state.ReadOutputAs<int>());
        Assert.All(Enumerable.Range(1, 10), i => Assert.Equal(1, Square.Runs[$"{id}/{i}"]));
    }

    [Fact]
    public async Task An_external_event_raised_before_the_wait_is_buffered_and_delivered()
    {
        var id = NewId("event");
        await _client.ScheduleNewWorkflowAsync(nameof(WaitForEventWorkflow), id, 60);
        await _client.RaiseEventAsync(id, "go", "payload");
        var state = await hub.WaitForCompletionAsync(id);

        Assert.Equal("payload", state.ReadOutputAs<string>());
    }

    [Fact]
    public async Task A_wait_for_an_event_times_out_on_a_durable_timer()
    {
        var id = NewId("timeout");
        var state = await RunAsync<WaitForEventWorkflow>(id, 1);

        Assert.Equal("timeout", state.ReadOutputAs<string>());
    }

    [Fact]
    public async Task A_durable_timer_fires_no_earlier_than_its_time()
    {
        var id = NewId("timer");
        var started = DateTime.UtcNow;
        var state = await RunAsync<TimerWorkflow>(id, 700);

        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(700));
        Assert.True(state.ReadOutputAs<double>() >= 700, $"workflow clock advanced {state.ReadOutputAs<double>()} ms");
    }

    [Fact]
    public async Task A_retried_activity_succeeds_and_one_out_of_retries_reports_the_last_failure()
    {
        var succeeds = NewId("retry");
        var fails = NewId("retry");
        await _client.ScheduleNewWorkflowAsync(nameof(RetryWorkflow), succeeds, 2);
        await _client.ScheduleNewWorkflowAsync(nameof(RetryWorkflow), fails, 5);

        Assert.Equal("succeeded on attempt 3", (await hub.WaitForCompletionAsync(succeeds)).ReadOutputAs<string>());
        Assert.Equal("failed: attempt 3 failed", (await hub.WaitForCompletionAsync(fails)).ReadOutputAs<string>());
        Assert.Equal(3, Flaky.Attempts[fails]);
    }

    [Fact]
    public async Task A_child_workflow_reports_its_result_and_its_failure_to_the_parent()
    {
        var ok = await RunAsync<ParentWorkflow>(NewId("parent"), "x");
        var failed = await RunAsync<ParentWorkflow>(NewId("parent"), "fail");

        Assert.StartsWith("child: x>", ok.ReadOutputAs<string>());
        Assert.Contains("the child gives up", failed.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Continue_as_new_carries_over_events_not_yet_processed()
    {
        var id = NewId("counter");
        await _client.ScheduleNewWorkflowAsync(nameof(CounterWorkflow), id, 0);
        for (var i = 0; i < 3; i++)
            await _client.RaiseEventAsync(id, "add", 1);
        var state = await hub.WaitForCompletionAsync(id);

        Assert.Equal(3, state.ReadOutputAs<int>());
    }

    [Fact]
    public async Task A_suspended_workflow_holds_its_events_until_resumed()
    {
        var id = NewId("suspend");
        await _client.ScheduleNewWorkflowAsync(nameof(ParkedWorkflow), id, false);
        await _client.WaitForWorkflowStartAsync(id, true, CancellationToken.None);
        await _client.SuspendWorkflowAsync(id, "hold");
        await WaitForStatusAsync(id, WorkflowRuntimeStatus.Suspended);
        await _client.RaiseEventAsync(id, "release", "released");
        await Task.Delay(500);
        Assert.Equal(WorkflowRuntimeStatus.Suspended, (await _client.GetWorkflowStateAsync(id, true, CancellationToken.None))!.RuntimeStatus);

        await _client.ResumeWorkflowAsync(id, "go on");
        var state = await hub.WaitForCompletionAsync(id);
        Assert.Equal("released", state.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Terminate_is_recursive_and_purge_removes_the_instance_and_its_child()
    {
        var id = NewId("parked");
        await _client.ScheduleNewWorkflowAsync(nameof(ParkedWorkflow), id, true);
        await WaitForStatusAsync(id + "-child", WorkflowRuntimeStatus.Running);
        await _client.TerminateWorkflowAsync(id, "stop", CancellationToken.None);

        Assert.Equal(WorkflowRuntimeStatus.Terminated, (await hub.WaitForCompletionAsync(id)).RuntimeStatus);
        Assert.Equal(WorkflowRuntimeStatus.Terminated, (await hub.WaitForCompletionAsync(id + "-child")).RuntimeStatus);
        Assert.True(await _client.PurgeInstanceAsync(id, CancellationToken.None));
        Assert.False((await _client.GetWorkflowStateAsync(id, false, CancellationToken.None))?.Exists ?? false);
        Assert.False((await _client.GetWorkflowStateAsync(id + "-child", false, CancellationToken.None))?.Exists ?? false);
    }

    [Fact]
    public async Task Custom_status_is_visible_while_the_workflow_waits()
    {
        var id = NewId("status");
        await _client.ScheduleNewWorkflowAsync(nameof(WaitForEventWorkflow), id, 60);
        await WaitUntilAsync(async () => (await _client.GetWorkflowStateAsync(id, true, CancellationToken.None))?.ReadCustomStatusAs<string>() == "waiting");
        await _client.RaiseEventAsync(id, "go", "done");
        Assert.Equal("done", (await hub.WaitForCompletionAsync(id)).ReadOutputAs<string>());
    }

    [Fact]
    public async Task A_patched_workflow_takes_the_new_path_and_records_the_patch_in_history()
    {
        var id = NewId("patched");
        var state = await RunAsync<PatchedWorkflow>(id, "p");

        Assert.Equal("p>patched+v2>patched", state.ReadOutputAs<string>());
        var history = await hub.Services.GetRequiredService<ITaskHubBackend>().GetHistoryAsync(id);
        // IsPatched ran in the turn after the first activity; that turn's WorkflowStarted carries the patch.
        var turns = history.Where(e => e.WorkflowStarted is not null).ToList();
        Assert.Null(turns[0].WorkflowStarted.Version);
        Assert.Contains("v2", turns[1].WorkflowStarted.Version.Patches);
    }

    [Fact]
    public async Task A_finished_workflow_reruns_from_an_activity_with_new_input_as_a_new_instance()
    {
        var source = NewId("source");
        Assert.Equal("start>source>source>source", (await RunAsync<ChainWorkflow>(source, "start")).ReadOutputAs<string>());
        var history = await hub.Services.GetRequiredService<ITaskHubBackend>().GetHistoryAsync(source);
        var second = history.Where(e => e.TaskScheduled is not null).ElementAt(1);

        var rerun = NewId("rerun");
        var newId = await _client.RerunWorkflowFromEventAsync(source, (uint)second.EventId,
            new Dapr.Workflow.Client.RerunWorkflowFromEventOptions { NewInstanceId = rerun, Input = "again", OverwriteInput = true }, CancellationToken.None);

        Assert.Equal(rerun, newId);
        Assert.Equal("again>rerun>rerun", (await hub.WaitForCompletionAsync(rerun)).ReadOutputAs<string>());
        Assert.Equal("start>source>source>source", (await hub.WaitForCompletionAsync(source)).ReadOutputAs<string>());
    }

    [Fact]
    public async Task ListInstanceIds_pages_through_every_instance()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var id = NewId("list");
            ids.Add(id);
            await _client.ScheduleNewWorkflowAsync(nameof(ChainWorkflow), id, "l");
        }

        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = await _client.ListInstanceIdsAsync(token, 2, CancellationToken.None);
            Assert.True(page.InstanceIds.Count <= 2);
            seen.AddRange(page.InstanceIds);
            token = page.ContinuationToken;
        }
        while (token is not null);

        Assert.Subset(seen.ToHashSet(), ids.ToHashSet());
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    private async Task WaitForStatusAsync(string id, WorkflowRuntimeStatus status)
        => await WaitUntilAsync(async () => (await _client.GetWorkflowStateAsync(id, false, CancellationToken.None))?.RuntimeStatus == status);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < until, "condition not met within 30 s");
            await Task.Delay(50);
        }
    }
}
