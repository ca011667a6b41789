using Dapr.Workflow;

namespace AgentMesh.Tests.TaskHub;

/// <summary>
/// The hub stopped and started again on the same SQLite file resumes everything it had accepted; an
/// instance whose stored history was damaged meanwhile fails alone, saying why.
/// </summary>
public sealed class HubRestartTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("agentmesh-hub-restart-").FullName;

    private string DatabasePath => Path.Combine(_directory, "taskhub.db");

    [Fact]
    public async Task Timers_events_and_suspensions_survive_a_restart()
    {
        var timer = "timer-" + Guid.NewGuid().ToString("N");
        var waiting = "event-" + Guid.NewGuid().ToString("N");
        var suspended = "suspended-" + Guid.NewGuid().ToString("N");
        await using (var hub = await HubHost.StartAsync(DatabasePath))
        {
            await hub.Client.ScheduleNewWorkflowAsync(nameof(TimerWorkflow), timer, 1500);
            await hub.Client.ScheduleNewWorkflowAsync(nameof(WaitForEventWorkflow), waiting, 120);
            await hub.Client.ScheduleNewWorkflowAsync(nameof(ParkedWorkflow), suspended, false);
            await hub.Client.WaitForWorkflowStartAsync(timer, false, CancellationToken.None);
            await hub.Client.WaitForWorkflowStartAsync(suspended, false, CancellationToken.None);
            await hub.Client.SuspendWorkflowAsync(suspended, "hold");
            await WaitForStatusAsync(hub.Client, suspended, WorkflowRuntimeStatus.Suspended);
            await hub.Client.RaiseEventAsync(waiting, "go", "before restart");
        }

        await using (var hub = await HubHost.StartAsync(DatabasePath))
        {
            Assert.True((await hub.WaitForCompletionAsync(timer)).ReadOutputAs<double>() >= 1500);
            Assert.Equal("before restart", (await hub.WaitForCompletionAsync(waiting)).ReadOutputAs<string>());
            await hub.Client.RaiseEventAsync(suspended, "release", "after restart");
            await Task.Delay(300);
            Assert.Equal(WorkflowRuntimeStatus.Suspended, (await hub.Client.GetWorkflowStateAsync(suspended, false, CancellationToken.None))!.RuntimeStatus);
            await hub.Client.ResumeWorkflowAsync(suspended, "go");
            Assert.Equal("after restart", (await hub.WaitForCompletionAsync(suspended)).ReadOutputAs<string>());
        }
    }

    [Fact]
    public async Task An_instance_whose_stored_history_is_corrupt_fails_with_the_reason_after_a_restart_and_the_others_go_on()
    {
        var corrupt = "corrupt-" + Guid.NewGuid().ToString("N");
        var healthy = "healthy-" + Guid.NewGuid().ToString("N");
        await using (var hub = await HubHost.StartAsync(DatabasePath))
        {
            await hub.Client.ScheduleNewWorkflowAsync(nameof(WaitForEventWorkflow), corrupt, 120);
            await hub.Client.ScheduleNewWorkflowAsync(nameof(WaitForEventWorkflow), healthy, 120);
            await hub.Client.WaitForWorkflowStartAsync(corrupt, false, CancellationToken.None);
            await hub.Client.WaitForWorkflowStartAsync(healthy, false, CancellationToken.None);
        }

        // A damaged row at rest: the first history event of one instance no longer parses.
        await using (var sqlite = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            await sqlite.OpenAsync();
            using var damage = sqlite.CreateCommand();
            damage.CommandText = "UPDATE history SET event = x'ffffffff0a' WHERE instance_id = $id AND sequence = 0";
            damage.Parameters.AddWithValue("$id", corrupt);
            Assert.Equal(1, await damage.ExecuteNonQueryAsync());
        }

        await using (var hub = await HubHost.StartAsync(DatabasePath))
        {
            await hub.Client.RaiseEventAsync(corrupt, "go", "x");
            await hub.Client.RaiseEventAsync(healthy, "go", "fine");
            var failed = await hub.WaitForCompletionAsync(corrupt);
            Assert.Equal(WorkflowRuntimeStatus.Failed, failed.RuntimeStatus);
            Assert.Contains("cannot be read", failed.FailureDetails!.ErrorMessage);
            Assert.Equal("fine", (await hub.WaitForCompletionAsync(healthy)).ReadOutputAs<string>());
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static async Task WaitForStatusAsync(DaprWorkflowClient client, string id, WorkflowRuntimeStatus status)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while ((await client.GetWorkflowStateAsync(id, false, CancellationToken.None))?.RuntimeStatus != status)
        {
            Assert.True(DateTime.UtcNow < until, $"{id} did not become {status}");
            await Task.Delay(50);
        }
    }
}
