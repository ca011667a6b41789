using System.Text;
using System.Text.Json;
using AgentMesh.State;
using AgentMesh.Tests.State.DaprStandIn;

namespace AgentMesh.Tests.State;

/// <summary>
/// What only <see cref="DaprStateStore"/> has to get right: its key index under concurrent writers (each store
/// below has its own DaprClient, as separate processes would), the index's cleanup of expired keys, the cost of
/// a write in sidecar calls, and the keys Dapr reserves. Runs over <see cref="DaprStateStandIn"/>.
/// </summary>
public class DaprStateStoreTests : IDisposable
{
    private const string IndexPrefix = "agentmesh.keyindex:";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private readonly DaprStandInTarget _target;

    public DaprStateStoreTests()
        : this(new DaprStandInTarget())
    {
    }

    protected DaprStateStoreTests(DaprStandInTarget target) => _target = target;

    public void Dispose() => _target.Dispose();

    [Fact]
    public async Task Concurrent_creators_and_deleters_leave_an_index_that_lists_exactly_the_live_keys()
    {
        var stores = Enumerable.Range(0, 4).Select(_ => _target.OpenStore()).ToArray();
        var work = stores.Select((store, w) => Task.Run(async () =>
        {
            for (var i = 0; i < 12; i++)
            {
                // Same directories for every writer: "jobs/" and "jobs/shared/", plus one per writer.
                await store.SetAsync($"jobs/w{w}-{i:D2}", Bytes("x"));
                await store.SetAsync($"jobs/shared/w{w}-{i:D2}", Bytes("x"), new StateWriteOptions { CreateOnly = true });
                await store.ExecuteTransactionAsync([StateOperation.Upsert($"jobs/w{w}/tx-{i:D2}", Bytes("t")), StateOperation.Upsert($"other/w{w}-{i:D2}", Bytes("o"))]);
                if (i % 2 == 1)
                {
                    Assert.True(await store.DeleteAsync($"jobs/w{w}-{i - 1:D2}"));
                    Assert.True(await store.DeleteAsync($"jobs/w{w}/tx-{i - 1:D2}"));
                }
            }

            // The writer's own directory ends empty, so its index document must be gone as well.
            for (var i = 1; i < 12; i += 2)
            {
                await store.DeleteAsync($"jobs/w{w}/tx-{i:D2}");
            }
        }));
        await Task.WhenAll(work).WaitAsync(Timeout);

        var expected = Enumerable.Range(0, 4).SelectMany(w => Enumerable.Range(0, 12).SelectMany(i => new[]
            {
                i % 2 == 1 ? $"jobs/w{w}-{i:D2}" : null,
                $"jobs/shared/w{w}-{i:D2}",
                $"other/w{w}-{i:D2}",
            }))
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(expected, await ListAllAsync(stores[0], "", pageSize: 7));
        Assert.Equal(expected.Where(k => k.StartsWith("jobs/", StringComparison.Ordinal)), await ListAllAsync(stores[1], "jobs/", pageSize: 5));
        Assert.Equal(expected.Where(k => k.StartsWith("jobs/shared/w1", StringComparison.Ordinal)), await ListAllAsync(stores[2], "jobs/shared/w1", pageSize: 100));

        Assert.Equal(["jobs/", "other/"], IndexDocument("").Directories);
        Assert.Equal(["shared/"], IndexDocument("jobs/").Directories);
        Assert.DoesNotContain(Raw(), key => key.StartsWith(IndexPrefix + "jobs/w", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Concurrent_create_only_writers_of_one_key_from_separate_clients_exactly_one_wins()
    {
        var stores = Enumerable.Range(0, 6).Select(_ => _target.OpenStore()).ToArray();
        for (var round = 0; round < 20; round++)
        {
            var key = $"once/r{round}";
            var attempts = stores.Select((store, i) => Task.Run(async () =>
            {
                try
                {
                    await store.SetAsync(key, Bytes(i.ToString()), new StateWriteOptions { CreateOnly = true });
                    return i;
                }
                catch (StateConcurrencyException)
                {
                    return -1;
                }
            }));
            var winners = (await Task.WhenAll(attempts).WaitAsync(Timeout)).Where(i => i >= 0).ToList();

            var winner = Assert.Single(winners);
            Assert.Equal(winner.ToString(), Text((await stores[0].GetAsync(key))!.Value));
        }

        Assert.Equal(20, (await stores[0].ListKeysAsync("once/", null, 50)).Keys.Count);
    }

    [Fact]
    public async Task Listing_unlists_expired_keys_but_never_a_key_recreated_meanwhile()
    {
        var store = _target.OpenStore();
        var keys = Enumerable.Range(0, 30).Select(i => $"race/k{i:D2}").ToList();
        foreach (var key in keys)
        {
            await store.SetAsync(key, Bytes("old"), new StateWriteOptions { Ttl = TimeSpan.FromSeconds(1) });
        }

        _target.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(30, IndexDocument("race/").Keys.Length);

        // Writers re-create every key while listers keep removing what they last saw expired.
        var writers = keys.Chunk(10).Select(chunk => Task.Run(async () =>
        {
            var writer = _target.OpenStore();
            foreach (var key in chunk)
            {
                await writer.SetAsync(key, Bytes("new"));
            }
        }));
        var listers = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            var lister = _target.OpenStore();
            for (var i = 0; i < 15; i++)
            {
                await lister.ListKeysAsync("race/", null, 50);
            }
        }));
        await Task.WhenAll(writers.Concat(listers)).WaitAsync(Timeout);

        Assert.Equal(keys, (await store.ListKeysAsync("race/", null, 50)).Keys);
        Assert.Equal(keys.Select(k => k["race/".Length..]), IndexDocument("race/").Keys);

        // Expired again: one listing unlists them all and removes the emptied directory.
        await store.ExecuteTransactionAsync(keys.Select(k => StateOperation.Upsert(k, Bytes("short"), new StateWriteOptions { Ttl = TimeSpan.FromSeconds(1) })).ToList());
        _target.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty((await store.ListKeysAsync("race/", null, 50)).Keys);
        Assert.DoesNotContain(IndexPrefix + "race/", Raw());
        Assert.DoesNotContain("race/", IndexDocument("").Directories);
    }

    [Fact]
    public async Task Rewriting_a_live_key_costs_one_read_and_one_save_while_a_create_also_writes_the_index()
    {
        var store = _target.OpenStore();
        await store.SetAsync("cost/a", Bytes("1"));
        var before = _target.Sidecar.CallsSnapshot();
        await store.SetAsync("cost/a", Bytes("2"));
        Assert.Equal(1, Delta(before, "GetBulkState"));
        Assert.Equal(1, Delta(before, "SaveState"));
        Assert.Equal(0, Delta(before, "ExecuteStateTransaction"));

        before = _target.Sidecar.CallsSnapshot();
        await store.SetAsync("cost/b", Bytes("1"));
        Assert.Equal(0, Delta(before, "SaveState"));
        Assert.Equal(1, Delta(before, "ExecuteStateTransaction"));
        Assert.Equal(["a", "b"], IndexDocument("cost/").Keys);
    }

    [Fact]
    public async Task Wait_for_append_sees_an_append_made_through_another_client_by_polling()
    {
        var writer = new RunEventLog(_target.OpenStore(), new RunEventLogOptions { PollInterval = null });
        var follower = new RunEventLog(_target.OpenStore(), new RunEventLogOptions { PollInterval = TimeSpan.FromMilliseconds(50) });
        var waiting = follower.WaitForAppendAsync("run1", 0, CancellationToken.None);
        await Task.Delay(100);
        Assert.False(waiting.IsCompleted);

        await writer.AppendAsync("run1", [Bytes("e1")]);
        await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("e1", Text(Assert.Single(await follower.ReadAsync("run1", 0, 10)).Data));
    }

    [Fact]
    public async Task Keys_that_dapr_or_the_index_reserve_are_refused_and_foreign_values_are_reported()
    {
        var store = _target.OpenStore();
        await Assert.ThrowsAsync<ArgumentException>(() => store.SetAsync("a||b", Bytes("x")));
        await Assert.ThrowsAsync<ArgumentException>(() => store.GetAsync(IndexPrefix + "x"));
        using var unused = new Dapr.Client.DaprClientBuilder().Build();
        Assert.Throws<ArgumentException>(() => new DaprStateStore(unused, new DaprStateStoreOptions { StoreName = " " }));

        _target.Sidecar.Stores["statestore"].Apply([new DaprStandInWrite("foreign", false, Bytes("plain text").ToArray(), null, false, new Dictionary<string, string>())]);
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => store.GetAsync("foreign"));
        Assert.Contains("'foreign'", error.Message);
    }

    private static async Task<List<string>> ListAllAsync(IStateStore store, string prefix, int pageSize)
    {
        var keys = new List<string>();
        string? token = null;
        do
        {
            var page = await store.ListKeysAsync(prefix, token, pageSize);
            Assert.True(page.Keys.Count <= pageSize);
            keys.AddRange(page.Keys);
            token = page.ContinuationToken;
        }
        while (token is not null);

        return keys;
    }

    private (string[] Keys, string[] Directories) IndexDocument(string directory)
    {
        var entry = _target.Sidecar.Stores["statestore"].Get(IndexPrefix + directory);
        Assert.NotNull(entry);
        using var json = JsonDocument.Parse(entry.Data);
        return (
            json.RootElement.GetProperty("keys").EnumerateArray().Select(e => e.GetString()!).ToArray(),
            json.RootElement.GetProperty("dirs").EnumerateArray().Select(e => e.GetString()!).ToArray());
    }

    private IReadOnlyList<string> Raw() => _target.Sidecar.Stores["statestore"].RawKeys();

    private int Delta(IReadOnlyDictionary<string, int> before, string method) =>
        _target.Sidecar.Calls(method) - before.GetValueOrDefault(method);

    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);
}

/// <summary>
/// The same, over a stand-in whose transactions ignore first-write (as the Redis component's do): there only
/// the key index's ETags keep two creators of one key from both committing.
/// </summary>
public sealed class RedisLikeDaprStateStoreTests() : DaprStateStoreTests(new RedisLikeDaprStandInTarget());
