using AgentMesh.TaskHub.Backend;
using AgentMesh.TaskHub.Protocol;
using AgentMesh.TaskHub.Sqlite;
using AgentMesh.Tests.State;
using AgentMesh.Tests.ToolHost;
using Google.Protobuf.WellKnownTypes;

namespace AgentMesh.Tests.TaskHub;

/// <summary>
/// A durable timer is due at its fireAt, not at the start of the millisecond its fireAt falls in: the
/// turn that delivers it stamps WorkflowStarted (the workflow's clock) with the hub's time, which must
/// not read earlier than fireAt. (Found by the chaos harness: a timer of 1438 ms whose workflow clock
/// had moved 1437.92 ms.)
/// </summary>
public sealed class TimerDueTimeTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task A_timer_is_not_delivered_before_its_fireAt_within_the_same_millisecond()
    {
        var clock = new ManualTimeProvider();
        await using var backend = new SqliteTaskHubBackend(Path.Combine(_dir.Path, "taskhub.db"), clock, TimeSpan.FromMinutes(5), 16, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var started = new ExecutionStartedEvent { Name = "Any", WorkflowInstance = new WorkflowInstance { InstanceId = "t1", ExecutionId = "e1" } };
        await backend.CreateInstanceAsync(new HistoryEvent { EventId = -1, Timestamp = Now(clock), ExecutionStarted = started }, clock.GetUtcNow());
        var first = Assert.Single(await backend.GetOrchestrationWorkItemsAsync(1));

        var fireAt = clock.GetUtcNow().AddTicks(10_005_000); // 1000.5 ms
        var episode = new OrchestrationEpisode { Status = OrchestrationStatus.Running };
        episode.NewTimers.Add(new HistoryEvent
        {
            EventId = -1, Timestamp = Timestamp.FromDateTimeOffset(fireAt),
            TimerFired = new TimerFiredEvent { FireAt = Timestamp.FromDateTimeOffset(fireAt), TimerId = 0 },
        });
        await backend.CompleteOrchestrationWorkItemAsync(first, episode);

        clock.Advance(TimeSpan.FromTicks(10_002_000)); // 1000.2 ms: the timer's millisecond, but before its fireAt
        Assert.Empty(await backend.GetOrchestrationWorkItemsAsync(1));
        clock.Advance(TimeSpan.FromTicks(8_000)); // 1001.0 ms
        var due = Assert.Single(await backend.GetOrchestrationWorkItemsAsync(1));
        Assert.NotNull(Assert.Single(due.NewEvents).Event.TimerFired);
        Assert.True(clock.GetUtcNow() >= fireAt);
    }

    public void Dispose() => _dir.Dispose();

    private static Timestamp Now(TimeProvider clock) => Timestamp.FromDateTimeOffset(clock.GetUtcNow());
}
