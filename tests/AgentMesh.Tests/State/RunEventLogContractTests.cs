using System.Text;
using AgentMesh.State;
using Xunit;

namespace AgentMesh.Tests.State;

/// <summary><see cref="RunEventLog"/> over each store; it uses nothing but <see cref="IStateStore"/>.</summary>
public abstract class RunEventLogContractTests<TTarget> : IDisposable
    where TTarget : StateStoreTarget, new()
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly TTarget _target = new();
    private readonly IStateStore _store;
    private readonly RunEventLog _log;

    protected RunEventLogContractTests()
    {
        _store = _target.Open();
        _log = new RunEventLog(_store, new RunEventLogOptions { PollInterval = null });
    }

    public void Dispose() => _target.Dispose();

    [Fact]
    public async Task Appends_get_consecutive_sequences_from_one()
    {
        Assert.Equal(0, await _log.GetLastSequenceAsync("run1"));
        Assert.Equal(1, await _log.AppendAsync("run1", [Bytes("a")]));
        Assert.Equal(4, await _log.AppendAsync("run1", [Bytes("b"), Bytes("c"), Bytes("d")]));
        Assert.Equal(1, await _log.AppendAsync("run2", [Bytes("other")]));
        Assert.Equal(4, await _log.GetLastSequenceAsync("run1"));

        var all = await _log.ReadAsync("run1", 0, 100);
        Assert.Equal([1L, 2, 3, 4], all.Select(e => e.Sequence));
        Assert.Equal(["a", "b", "c", "d"], all.Select(e => Text(e.Data)));

        var page = await _log.ReadAsync("run1", 1, 2);
        Assert.Equal([(2L, "b"), (3L, "c")], page.Select(e => (e.Sequence, Text(e.Data))));
        Assert.Empty(await _log.ReadAsync("run1", 4, 10));
    }

    [Fact]
    public async Task Events_and_a_write_commit_together_or_not_at_all()
    {
        var (last, etag) = await _log.AppendWithWriteAsync("run1", [Bytes("created")], StateOperation.Upsert("record/run1", Bytes("v1"), new StateWriteOptions { CreateOnly = true }));
        Assert.Equal(1, last);
        Assert.Equal(etag, (await _store.GetAsync("record/run1"))!.ETag);

        // A stale ETag on the write: the events are not appended either.
        await Assert.ThrowsAsync<StateConcurrencyException>(() =>
            _log.AppendWithWriteAsync("run1", [Bytes("lost")], StateOperation.Upsert("record/run1", Bytes("v2"), new StateWriteOptions { ETag = "stale" })));
        Assert.Equal(1, await _log.GetLastSequenceAsync("run1"));
        Assert.Equal("v1", Text((await _store.GetAsync("record/run1"))!.Value));

        // No events: only the write.
        var (same, next) = await _log.AppendWithWriteAsync("run1", [], StateOperation.Upsert("record/run1", Bytes("v3"), new StateWriteOptions { ETag = etag }));
        Assert.Equal(1, same);
        Assert.NotEqual(etag, next);
    }

    [Fact]
    public async Task Parallel_appenders_leave_no_gaps_or_duplicates()
    {
        const int writers = 8;
        const int appendsEach = 15;
        var logs = Enumerable.Range(0, writers).Select(_ => new RunEventLog(_store)).ToArray();
        var tasks = logs.Select((log, w) => Task.Run(async () =>
        {
            var assigned = new List<long>();
            for (var i = 0; i < appendsEach; i++)
            {
                var batch = i % 3 == 0 ? new[] { Bytes($"{w}:{i}:x"), Bytes($"{w}:{i}:y") } : new[] { Bytes($"{w}:{i}") };
                assigned.Add(await log.AppendAsync("busy", batch));
            }

            return assigned;
        }));
        var results = await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(120));

        var expectedCount = writers * (appendsEach + 5);
        Assert.Equal(expectedCount, await _log.GetLastSequenceAsync("busy"));
        var events = await _log.ReadAsync("busy", 0, expectedCount + 10);
        Assert.Equal(Enumerable.Range(1, expectedCount).Select(i => (long)i), events.Select(e => e.Sequence));
        Assert.Equal(expectedCount, events.Select(e => Text(e.Data)).Distinct().Count());
        Assert.Equal(writers * appendsEach, results.SelectMany(r => r).Distinct().Count());

        // A two-event batch is contiguous: x directly followed by y of the same append.
        var texts = events.Select(e => Text(e.Data)).ToList();
        for (var i = 0; i < texts.Count; i++)
        {
            if (texts[i].EndsWith(":x", StringComparison.Ordinal))
            {
                Assert.Equal(texts[i][..^1] + "y", texts[i + 1]);
            }
        }
    }

    [Fact]
    public async Task Wait_for_append_completes_on_a_later_append_only()
    {
        await _log.AppendAsync("live", [Bytes("1")]);
        await _log.WaitForAppendAsync("live", 0, CancellationToken.None).WaitAsync(Timeout);

        var waiting = _log.WaitForAppendAsync("live", 1, CancellationToken.None);
        await Task.Delay(200);
        Assert.False(waiting.IsCompleted);

        await _log.AppendAsync("other-run", [Bytes("x")]);
        await Task.Delay(200);
        Assert.False(waiting.IsCompleted);

        await _log.AppendAsync("live", [Bytes("2")]);
        await waiting.WaitAsync(Timeout);
        var next = await _log.ReadAsync("live", 1, 10);
        Assert.Equal("2", Text(Assert.Single(next).Data));
    }

    [Fact]
    public async Task Wait_for_append_honours_cancellation()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _log.WaitForAppendAsync("quiet", 0, cts.Token).WaitAsync(Timeout));
    }

    [Fact]
    public async Task Wait_for_append_sees_another_instance_by_polling()
    {
        var follower = new RunEventLog(_store, new RunEventLogOptions { PollInterval = TimeSpan.FromMilliseconds(50) });
        var waiting = follower.WaitForAppendAsync("shared", 0, CancellationToken.None);
        await _log.AppendAsync("shared", [Bytes("from elsewhere")]);
        await waiting.WaitAsync(Timeout);
    }

    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);
}

public sealed class SqliteFileRunEventLogTests : RunEventLogContractTests<SqliteFileTarget>;

public sealed class SqliteMemoryRunEventLogTests : RunEventLogContractTests<SqliteMemoryTarget>;

public sealed class DaprStandInRunEventLogTests : RunEventLogContractTests<DaprStandInTarget>;

public sealed class RedisLikeDaprStandInRunEventLogTests : RunEventLogContractTests<RedisLikeDaprStandInTarget>;
