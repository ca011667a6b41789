using AgentMesh.TaskHub.Backend;
using AgentMesh.TaskHub.Protocol;
using AgentMesh.TaskHub.Sqlite;
using Google.Protobuf.WellKnownTypes;

namespace AgentMesh.Tests.TaskHub;

/// <summary>
/// The SQLite store on its own: operations that share a group commit, leases held in memory, and what
/// is on disk once an operation was acknowledged (checked by opening the file again).
/// </summary>
public sealed class SqliteStoreTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly string _directory = Directory.CreateTempSubdirectory("agentmesh-store-").FullName;

    private string DatabasePath => Path.Combine(_directory, "taskhub.db");

    [Fact]
    public async Task Operations_sent_at_once_all_commit_and_one_refused_undoes_only_itself()
    {
        await using (var store = Open())
        {
            await store.CreateInstanceAsync(Started("dup"), DateTimeOffset.UtcNow).WaitAsync(Wait);
            var creates = Enumerable.Range(0, 40).Select(i => store.CreateInstanceAsync(Started($"i{i}"), DateTimeOffset.UtcNow)).ToList();
            var duplicate = store.CreateInstanceAsync(Started("dup"), DateTimeOffset.UtcNow);
            await Task.WhenAll(creates).WaitAsync(Wait);
            await Assert.ThrowsAsync<InstanceExistsException>(() => duplicate.WaitAsync(Wait));
        }

        await using var reopened = Open();
        for (var i = 0; i < 40; i++)
            Assert.Equal(OrchestrationStatus.Pending, (await reopened.GetInstanceAsync($"i{i}", false).WaitAsync(Wait))!.WorkflowStatus);
        var (ids, _) = await reopened.ListInstanceIdsAsync(null, 100).WaitAsync(Wait);
        Assert.Equal(41, ids.Count);
    }

    [Fact]
    public async Task A_taken_turn_is_not_taken_again_until_released_and_a_stale_token_commits_nothing()
    {
        await using var store = Open();
        await store.CreateInstanceAsync(Started("w"), DateTimeOffset.UtcNow).WaitAsync(Wait);
        var first = Assert.Single(await store.GetOrchestrationWorkItemsAsync(10).WaitAsync(Wait));
        Assert.Empty(await store.GetOrchestrationWorkItemsAsync(10).WaitAsync(Wait));

        await store.AbandonOrchestrationWorkItemAsync(first).WaitAsync(Wait);
        var second = Assert.Single(await store.GetOrchestrationWorkItemsAsync(10).WaitAsync(Wait));
        Assert.NotEqual(first.LockToken, second.LockToken);

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.CompleteOrchestrationWorkItemAsync(first, Episode(first)).WaitAsync(Wait));
        Assert.Empty(await store.GetHistoryAsync("w").WaitAsync(Wait));
        await store.CompleteOrchestrationWorkItemAsync(second, Episode(second)).WaitAsync(Wait);
        Assert.Equal(OrchestrationStatus.Running, (await store.GetInstanceAsync("w", false).WaitAsync(Wait))!.WorkflowStatus);
        Assert.Single(await store.GetHistoryAsync("w").WaitAsync(Wait));
    }

    [Fact]
    public async Task Leases_are_not_stored_so_work_taken_before_a_restart_is_taken_again_after_it()
    {
        await using (var store = Open())
        {
            await store.CreateInstanceAsync(Started("w"), DateTimeOffset.UtcNow).WaitAsync(Wait);
            var turn = Assert.Single(await store.GetOrchestrationWorkItemsAsync(10).WaitAsync(Wait));
            var episode = Episode(turn);
            var scheduled = new HistoryEvent { EventId = 0, Timestamp = Now(), TaskScheduled = new TaskScheduledEvent { Name = "A" } };
            episode.NewHistory.Add(scheduled);
            episode.NewActivities.Add(scheduled);
            await store.CompleteOrchestrationWorkItemAsync(turn, episode).WaitAsync(Wait);
            Assert.Single(await store.GetActivityWorkItemsAsync(10).WaitAsync(Wait));
            Assert.Empty(await store.GetActivityWorkItemsAsync(10).WaitAsync(Wait));
        }

        await using var reopened = Open();
        var activity = Assert.Single(await reopened.GetActivityWorkItemsAsync(10).WaitAsync(Wait));
        var result = new HistoryEvent { EventId = -1, Timestamp = Now(), TaskCompleted = new TaskCompletedEvent { TaskScheduledId = 0, Result = "1" } };
        await reopened.CompleteActivityWorkItemAsync(activity, result).WaitAsync(Wait);
        var next = Assert.Single(await reopened.GetOrchestrationWorkItemsAsync(10).WaitAsync(Wait));
        Assert.Equal(2, next.PastEvents.Count);
        Assert.NotNull(Assert.Single(next.NewEvents).Event.TaskCompleted);
    }

    [Fact]
    public async Task A_turn_starts_from_the_history_the_previous_turn_committed()
    {
        await using var store = Open();
        await store.CreateInstanceAsync(Started("w"), DateTimeOffset.UtcNow).WaitAsync(Wait);
        for (var turn = 1; turn <= 3; turn++)
        {
            var workItem = Assert.Single(await store.GetOrchestrationWorkItemsAsync(10).WaitAsync(Wait));
            Assert.Equal(await store.GetHistoryAsync("w").WaitAsync(Wait), workItem.PastEvents);
            await store.CompleteOrchestrationWorkItemAsync(workItem, Episode(workItem)).WaitAsync(Wait);
            Assert.True(await store.AddEventAsync("w", new HistoryEvent { EventId = -1, Timestamp = Now(), EventRaised = new EventRaisedEvent { Name = $"e{turn}" } }).WaitAsync(Wait));
        }

        Assert.Equal(3, (await store.GetHistoryAsync("w").WaitAsync(Wait)).Count);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private SqliteTaskHubBackend Open() => new(DatabasePath, TimeProvider.System, TimeSpan.FromMinutes(5), 4096, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

    private static Timestamp Now() => Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow);

    private static HistoryEvent Started(string instanceId) => new()
    {
        EventId = -1, Timestamp = Now(),
        ExecutionStarted = new ExecutionStartedEvent { Name = "W", WorkflowInstance = new WorkflowInstance { InstanceId = instanceId, ExecutionId = "x1" } },
    };

    /// <summary>A turn that delivers its events and does nothing else (the instance keeps running).</summary>
    private static OrchestrationEpisode Episode(OrchestrationWorkItem workItem)
    {
        var episode = new OrchestrationEpisode { Status = OrchestrationStatus.Running };
        episode.NewHistory.AddRange(workItem.NewEvents.Select(m => m.Event));
        if (workItem.NewEvents.FirstOrDefault(m => m.Event.ExecutionStarted is not null) is { } start)
            episode.Started = start.Event.ExecutionStarted;
        return episode;
    }
}
