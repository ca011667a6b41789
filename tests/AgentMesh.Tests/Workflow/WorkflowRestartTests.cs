using AgentMesh.DurableTask.Protocol;
using AgentMesh.Workflow;
using Xunit;
using EventType = AgentMesh.DurableTask.Protocol.HistoryEvent.EventTypeOneofCase;

namespace AgentMesh.Tests.Workflow;

/// <summary>Durability: a host torn down mid-activity, and a new host on the same SQLite file.</summary>
public sealed class WorkflowRestartTests
{
    private static readonly TimeSpan Timeout = WorkflowTestHost.Timeout;

    [Fact]
    public async Task New_host_on_same_file_reruns_unfinished_activity_but_never_a_completed_one()
    {
        var key = Guid.NewGuid().ToString("N");
        var databasePath = WorkflowTestHost.NewDatabasePath();
        var release = BlockingB.ReleaseFirstRun.GetOrAdd(key, _ => new());
        try
        {
            // Host 1: A completes, B starts and hangs; the host is torn down while B is running.
            var first = await WorkflowTestHost.StartAsync(databasePath);
            var id = await first.Client.ScheduleNewWorkflowAsync(nameof(RestartWorkflow), instanceId: $"restart-{key}", input: key);
            await BlockingB.FirstRunStarted.GetOrAdd(key, _ => new()).Task.WaitAsync(Timeout);
            await first.KillAsync();

            Assert.Equal(1, ActivityLog.Count($"A:{key}"));
            Assert.Equal(1, ActivityLog.Count($"B:{key}"));

            // Host 2 on the same file: B runs again and the workflow completes; A is not re-run.
            await using (var second = await WorkflowTestHost.StartAsync(databasePath))
            {
                var state = await second.Client.WaitForWorkflowCompletionAsync(id).WaitAsync(Timeout);

                Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
                Assert.Equal("AB", state.ReadOutputAs<string>());
                Assert.Equal(1, ActivityLog.Count($"A:{key}"));
                Assert.Equal(2, ActivityLog.Count($"B:{key}"));
                Assert.Equal(0, ActivityLog.Count($"B-first-run-finished:{key}"));
            }

            var history = WorkflowTestHost.ReadHistory(databasePath, id);
            Assert.Equal(
            [
                EventType.OrchestratorStarted, EventType.ExecutionStarted, EventType.TaskScheduled, EventType.OrchestratorCompleted,
                EventType.OrchestratorStarted, EventType.TaskCompleted, EventType.TaskScheduled, EventType.OrchestratorCompleted,
                EventType.OrchestratorStarted, EventType.TaskCompleted, EventType.ExecutionCompleted, EventType.OrchestratorCompleted,
            ], history.Select(e => e.EventTypeCase));
            Assert.Equal(nameof(RestartWorkflow), history[1].ExecutionStarted.Name);
            Assert.Equal(id, history[1].ExecutionStarted.OrchestrationInstance.InstanceId);
            Assert.Equal((nameof(CountedA), 0), (history[2].TaskScheduled.Name, history[2].EventId));
            Assert.Equal(0, history[5].TaskCompleted.TaskScheduledId);
            Assert.Equal((nameof(BlockingB), 1), (history[6].TaskScheduled.Name, history[6].EventId));
            Assert.Equal(1, history[9].TaskCompleted.TaskScheduledId);
            Assert.Equal("\"B\"", history[9].TaskCompleted.Result);
            Assert.Equal(OrchestrationStatus.Completed, history[10].ExecutionCompleted.OrchestrationStatus);
            Assert.Equal("\"AB\"", history[10].ExecutionCompleted.Result);
            Assert.All(history.Where(e => e.TaskScheduled is null && e.TimerCreated is null), e => Assert.Equal(-1, e.EventId));
        }
        finally
        {
            release.TrySetResult(); // let the first host's orphaned activity end
            WorkflowTestHost.DeleteDirectory(Path.GetDirectoryName(databasePath)!);
        }
    }

    [Fact]
    public async Task Workflow_waiting_on_a_timer_resumes_in_a_new_host()
    {
        var databasePath = WorkflowTestHost.NewDatabasePath();
        try
        {
            string id;
            await using (var first = await WorkflowTestHost.StartAsync(databasePath))
            {
                id = await first.Client.ScheduleNewWorkflowAsync(nameof(TimerWorkflow), input: 1.5);
                await first.Client.WaitForWorkflowStartAsync(id).WaitAsync(Timeout);
            }
            await using var second = await WorkflowTestHost.StartAsync(databasePath);
            var state = await second.Client.WaitForWorkflowCompletionAsync(id).WaitAsync(Timeout);
            Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
            Assert.True(state.ReadOutputAs<double>() >= 1.5);
        }
        finally
        {
            WorkflowTestHost.DeleteDirectory(Path.GetDirectoryName(databasePath)!);
        }
    }
}
