using System.Text;
using AgentMesh.State;
using Xunit;

namespace AgentMesh.Tests.State;

/// <summary>The behaviour every <see cref="IStateStore"/> must show; subclasses pick the store.</summary>
public abstract class StateStoreContractTests<TTarget> : IDisposable
    where TTarget : StateStoreTarget, new()
{
    private readonly TTarget _target = new();

    protected StateStoreContractTests()
    {
        Store = _target.Open();
    }

    protected IStateStore Store { get; set; }

    protected TTarget Target => _target;

    public void Dispose() => _target.Dispose();

    [Fact]
    public async Task Set_get_delete_round_trip()
    {
        Assert.Null(await Store.GetAsync("a"));
        var etag = await Store.SetAsync("a", Bytes("one"));
        var item = await Store.GetAsync("a");
        Assert.NotNull(item);
        Assert.Equal("one", Text(item.Value));
        Assert.Equal(etag, item.ETag);
        Assert.Null(item.ExpiresAt);

        var etag2 = await Store.SetAsync("a", Bytes("two"));
        Assert.NotEqual(etag, etag2);
        Assert.Equal("two", Text((await Store.GetAsync("a"))!.Value));

        Assert.True(await Store.DeleteAsync("a"));
        Assert.Null(await Store.GetAsync("a"));
        Assert.False(await Store.DeleteAsync("a"));
    }

    [Fact]
    public async Task Etag_mismatch_is_rejected_and_names_the_key()
    {
        var etag = await Store.SetAsync("k", Bytes("v1"));
        var ex = await Assert.ThrowsAsync<StateConcurrencyException>(() => Store.SetAsync("k", Bytes("v2"), new StateWriteOptions { ETag = "stale" }));
        Assert.Equal("k", ex.Key);
        Assert.Contains("'k'", ex.Message);
        Assert.Equal("v1", Text((await Store.GetAsync("k"))!.Value));

        var etag2 = await Store.SetAsync("k", Bytes("v2"), new StateWriteOptions { ETag = etag });
        await Assert.ThrowsAsync<StateConcurrencyException>(() => Store.SetAsync("k", Bytes("v3"), new StateWriteOptions { ETag = etag }));
        await Assert.ThrowsAsync<StateConcurrencyException>(() => Store.DeleteAsync("k", etag));
        await Assert.ThrowsAsync<StateConcurrencyException>(() => Store.SetAsync("absent", Bytes("x"), new StateWriteOptions { ETag = etag2 }));
        Assert.True(await Store.DeleteAsync("k", etag2));
    }

    [Fact]
    public async Task Create_only_fails_when_the_key_exists()
    {
        await Store.SetAsync("c", Bytes("first"), new StateWriteOptions { CreateOnly = true });
        var ex = await Assert.ThrowsAsync<StateConcurrencyException>(() => Store.SetAsync("c", Bytes("second"), new StateWriteOptions { CreateOnly = true }));
        Assert.Equal("c", ex.Key);
        Assert.Equal("first", Text((await Store.GetAsync("c"))!.Value));
        Assert.Throws<ArgumentException>(() => StateOperation.Upsert("c", Bytes("x"), new StateWriteOptions { CreateOnly = true, ETag = "e" }));
    }

    [Fact]
    public async Task Transaction_applies_all_operations_and_returns_etags()
    {
        var old = await Store.SetAsync("t/old", Bytes("x"));
        var etags = await Store.ExecuteTransactionAsync(
        [
            StateOperation.Upsert("t/a", Bytes("A")),
            StateOperation.Upsert("t/b", Bytes("B"), new StateWriteOptions { CreateOnly = true }),
            StateOperation.Delete("t/old", old),
        ]);
        Assert.Equal(3, etags.Count);
        Assert.Equal((await Store.GetAsync("t/a"))!.ETag, etags[0]);
        Assert.Equal((await Store.GetAsync("t/b"))!.ETag, etags[1]);
        Assert.Equal(string.Empty, etags[2]);
        Assert.Null(await Store.GetAsync("t/old"));
    }

    [Fact]
    public async Task Transaction_rolls_back_entirely_on_a_failed_etag()
    {
        var guarded = await Store.SetAsync("r/guarded", Bytes("keep"));
        await Store.SetAsync("r/gone", Bytes("stay"));
        var ex = await Assert.ThrowsAsync<StateConcurrencyException>(() => Store.ExecuteTransactionAsync(
        [
            StateOperation.Upsert("r/new", Bytes("N")),
            StateOperation.Delete("r/gone"),
            StateOperation.Upsert("r/guarded", Bytes("changed"), new StateWriteOptions { ETag = guarded + "x" }),
        ]));
        Assert.Equal("r/guarded", ex.Key);
        Assert.Null(await Store.GetAsync("r/new"));
        Assert.Equal("stay", Text((await Store.GetAsync("r/gone"))!.Value));
        var item = await Store.GetAsync("r/guarded");
        Assert.Equal("keep", Text(item!.Value));
        Assert.Equal(guarded, item.ETag);
    }

    [Fact]
    public async Task Ttl_expired_items_are_invisible_everywhere()
    {
        await Store.SetAsync("ttl/short", Bytes("s"), new StateWriteOptions { Ttl = TimeSpan.FromSeconds(10) });
        await Store.SetAsync("ttl/forever", Bytes("f"));
        var live = await Store.GetAsync("ttl/short");
        Assert.Equal(_target.Clock.GetUtcNow() + TimeSpan.FromSeconds(10), live!.ExpiresAt);

        _target.Clock.Advance(TimeSpan.FromSeconds(9));
        Assert.NotNull(await Store.GetAsync("ttl/short"));
        _target.Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Null(await Store.GetAsync("ttl/short"));
        Assert.Single(await Store.GetBulkAsync(["ttl/short", "ttl/forever"]));
        Assert.Equal(["ttl/forever"], (await Store.ListKeysAsync("ttl/", null, 10)).Keys);
        await Assert.ThrowsAsync<StateConcurrencyException>(() => Store.SetAsync("ttl/short", Bytes("x"), new StateWriteOptions { ETag = live.ETag }));
        await Store.SetAsync("ttl/short", Bytes("again"), new StateWriteOptions { CreateOnly = true });
        Assert.Null((await Store.GetAsync("ttl/short"))!.ExpiresAt);
    }

    [Fact]
    public async Task A_write_without_ttl_removes_an_earlier_expiry()
    {
        await Store.SetAsync("ttl/kept", Bytes("1"), new StateWriteOptions { Ttl = TimeSpan.FromSeconds(5) });
        var etag = await Store.SetAsync("ttl/kept", Bytes("2"));
        Assert.Null((await Store.GetAsync("ttl/kept"))!.ExpiresAt);

        _target.Clock.Advance(TimeSpan.FromSeconds(6));
        var item = await Store.GetAsync("ttl/kept");
        Assert.Equal("2", Text(item!.Value));
        Assert.Equal(etag, item.ETag);
        Assert.Equal(["ttl/kept"], (await Store.ListKeysAsync("ttl/", null, 10)).Keys);
    }

    [Fact]
    public async Task Bulk_get_returns_existing_items_in_request_order()
    {
        await Store.SetAsync("b/2", Bytes("two"));
        await Store.SetAsync("b/1", Bytes("one"));
        var items = await Store.GetBulkAsync(["b/2", "b/missing", "b/1", "b/2"]);
        Assert.Equal(["b/2", "b/1"], items.Select(i => i.Key));
        Assert.Equal("one", Text(items[1].Value));
    }

    [Fact]
    public async Task List_keys_pages_by_prefix_in_key_order()
    {
        foreach (var key in new[] { "p/c", "p/a", "p/e", "p/b", "p/d", "q/a", "p" })
        {
            await Store.SetAsync(key, Bytes(key));
        }

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await Store.ListKeysAsync("p/", token, 2);
            Assert.True(page.Keys.Count <= 2);
            seen.AddRange(page.Keys);
            token = page.ContinuationToken;
            pages++;
        }
        while (token is not null);

        Assert.Equal(["p/a", "p/b", "p/c", "p/d", "p/e"], seen);
        Assert.Equal(3, pages);
        Assert.Equal(7, (await Store.ListKeysAsync(string.Empty, null, 100)).Keys.Count);
    }

    [Fact]
    public async Task Concurrent_etag_writers_exactly_one_wins()
    {
        var etag = await Store.SetAsync("race", Bytes("0"));
        var attempts = Enumerable.Range(0, 8).Select(async i =>
        {
            try
            {
                await Store.SetAsync("race", Bytes(i.ToString()), new StateWriteOptions { ETag = etag });
                return true;
            }
            catch (StateConcurrencyException)
            {
                return false;
            }
        });
        var results = await Task.WhenAll(attempts).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, results.Count(r => r));
    }

    protected static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);

    protected static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);
}

public sealed class SqliteFileStateStoreContractTests : StateStoreContractTests<SqliteFileTarget>
{
    [Fact]
    public async Task Writes_survive_reopening_the_file()
    {
        var etag = await Store.SetAsync("durable", Bytes("kept"));
        await Store.ExecuteTransactionAsync([StateOperation.Upsert("durable/tx", Bytes("tx"))]);
        await Store.SetAsync("durable/deleted", Bytes("x"));
        await Store.DeleteAsync("durable/deleted");

        Store = Target.Reopen();

        var item = await Store.GetAsync("durable");
        Assert.Equal("kept", Text(item!.Value));
        Assert.Equal(etag, item.ETag);
        Assert.Equal("tx", Text((await Store.GetAsync("durable/tx"))!.Value));
        Assert.Null(await Store.GetAsync("durable/deleted"));
    }
}

public sealed class SqliteMemoryStateStoreContractTests : StateStoreContractTests<SqliteMemoryTarget>;

public sealed class DaprStandInStateStoreContractTests : StateStoreContractTests<DaprStandInTarget>;

public sealed class RedisLikeDaprStandInStateStoreContractTests : StateStoreContractTests<RedisLikeDaprStandInTarget>;
