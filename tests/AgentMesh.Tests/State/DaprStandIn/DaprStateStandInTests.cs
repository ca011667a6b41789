using System.Text;
using Dapr;
using Dapr.Client;
using Google.Rpc;
using Grpc.Core;

namespace AgentMesh.Tests.State.DaprStandIn;

/// <summary>
/// The stand-in answers as daprd does (sources in <see cref="DaprStandInErrors"/> and
/// <see cref="DaprStandInComponent"/>), checked through Dapr.Client 1.19.1 itself over real gRPC.
/// </summary>
public sealed class DaprStateStandInTests : IAsyncLifetime
{
    private const string Store = "statestore";
    private readonly ManualTimeProvider _clock = new();
    private DaprStateStandIn _sidecar = null!;
    private DaprClient _client = null!;

    public async Task InitializeAsync()
    {
        _sidecar = await DaprStateStandIn.StartAsync(new DaprStateStandInOptions { Clock = _clock });
        _client = new DaprClientBuilder().UseGrpcEndpoint(_sidecar.GrpcEndpoint).Build();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _sidecar.DisposeAsync();
    }

    [Fact]
    public async Task Save_with_a_stale_etag_is_aborted_with_daprds_message_and_error_info()
    {
        await _client.SaveByteStateAsync(Store, "k", Bytes("v1"));
        var (_, etag) = await _client.GetByteStateAndETagAsync(Store, "k");
        await _client.SaveByteStateAsync(Store, "k", Bytes("v2"));

        // Dapr.Client's own Try* surface turns daprd's Aborted into false.
        Assert.False(await _client.TrySaveByteStateAsync(Store, "k", Bytes("v3"), etag));
        Assert.False(await _client.TryDeleteStateAsync(Store, "k", etag));

        // A first-write save without ETag of an existing key: Dapr.Client has no Try* for it and throws.
        var error = await Assert.ThrowsAsync<DaprException>(() => _client.SaveByteStateAsync(Store, "k", Bytes("x"), new StateOptions { Concurrency = ConcurrencyMode.FirstWrite }));
        var rpc = Assert.IsType<RpcException>(error.InnerException);
        Assert.Equal(StatusCode.Aborted, rpc.StatusCode);
        Assert.StartsWith("failed saving state in state store statestore: possible etag mismatch. error from state store: ", rpc.Status.Detail);
        var info = Assert.Single(rpc.GetRpcStatus()!.Details).Unpack<ErrorInfo>();
        Assert.Equal(("dapr.io", "ERR_STATE_SAVE"), (info.Domain, info.Reason));
        Assert.Equal("v2", Text(await _client.GetByteStateAsync(Store, "k")));
    }

    [Fact]
    public async Task A_transaction_with_a_stale_etag_fails_as_internal_and_writes_nothing()
    {
        await _client.SaveByteStateAsync(Store, "a", Bytes("a1"));
        var error = await Assert.ThrowsAsync<DaprException>(() => _client.ExecuteStateTransactionAsync(Store,
        [
            new StateTransactionRequest("b", Bytes("b1").ToArray(), StateOperationType.Upsert),
            new StateTransactionRequest("a", null, StateOperationType.Delete),
            new StateTransactionRequest("c", Bytes("c1").ToArray(), StateOperationType.Upsert, etag: "999"),
        ]));

        var rpc = Assert.IsType<RpcException>(error.InnerException);
        Assert.Equal(StatusCode.Internal, rpc.StatusCode);
        Assert.StartsWith("error while executing state transaction: possible etag mismatch", rpc.Status.Detail);
        Assert.Equal("ERR_STATE_TRANSACTION", Assert.Single(rpc.GetRpcStatus()!.Details).Unpack<ErrorInfo>().Reason);
        Assert.True((await _client.GetByteStateAsync(Store, "b")).IsEmpty);
        Assert.Equal("a1", Text(await _client.GetByteStateAsync(Store, "a")));
    }

    [Fact]
    public async Task First_write_without_etag_creates_once_and_last_write_overwrites()
    {
        var firstWrite = new StateOptions { Concurrency = ConcurrencyMode.FirstWrite };
        await _client.SaveByteStateAsync(Store, "f", Bytes("1"), firstWrite);
        await Assert.ThrowsAsync<DaprException>(() => _client.SaveByteStateAsync(Store, "f", Bytes("2"), firstWrite));
        await _client.SaveByteStateAsync(Store, "f", Bytes("3"));
        Assert.Equal("3", Text(await _client.GetByteStateAsync(Store, "f")));

        var (_, etag) = await _client.GetByteStateAndETagAsync(Store, "f");
        Assert.True(await _client.TrySaveByteStateAsync(Store, "f", Bytes("4"), etag, firstWrite));
        Assert.False(await _client.TrySaveByteStateAsync(Store, "f", Bytes("5"), etag, firstWrite));
        Assert.False(await _client.TrySaveByteStateAsync(Store, "never", Bytes("5"), etag, firstWrite));
    }

    [Fact]
    public async Task Ttl_in_seconds_hides_items_after_expiry_and_minus_one_persists()
    {
        var ttl2 = new Dictionary<string, string> { ["ttlInSeconds"] = "2" };
        await _client.SaveByteStateAsync(Store, "t", Bytes("x"), metadata: ttl2);
        await _client.SaveByteStateAsync(Store, "kept", Bytes("x"), metadata: ttl2);
        await _client.SaveByteStateAsync(Store, "kept", Bytes("y"));
        await _client.SaveByteStateAsync(Store, "persisted", Bytes("x"), metadata: ttl2);
        await _client.SaveByteStateAsync(Store, "persisted", Bytes("z"), metadata: new Dictionary<string, string> { ["ttlInSeconds"] = "-1" });
        var bad = await Assert.ThrowsAsync<DaprException>(() => _client.SaveByteStateAsync(Store, "bad", Bytes("x"), metadata: new Dictionary<string, string> { ["ttlInSeconds"] = "foo" }));
        Assert.Equal(StatusCode.Internal, Assert.IsType<RpcException>(bad.InnerException).StatusCode);

        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.True((await _client.GetByteStateAsync(Store, "t")).IsEmpty);
        Assert.True((await _client.GetByteStateAsync(Store, "kept")).IsEmpty); // no ttlInSeconds kept the expiry
        Assert.Equal("z", Text(await _client.GetByteStateAsync(Store, "persisted")));
        var bulk = await _client.GetBulkStateAsync(Store, ["t", "persisted"], parallelism: null);
        Assert.Equal(["", "z"], bulk.Select(item => item.Value));
        Assert.Equal("", bulk[0].ETag);
    }

    [Fact]
    public async Task Unknown_store_api_token_and_reserved_key_are_refused_like_daprd()
    {
        var notFound = await Assert.ThrowsAsync<DaprException>(() => _client.GetByteStateAsync("nope", "k"));
        var rpc = Assert.IsType<RpcException>(notFound.InnerException);
        Assert.Equal((StatusCode.InvalidArgument, "state store nope is not found"), (rpc.StatusCode, rpc.Status.Detail));

        var illegal = await Assert.ThrowsAsync<DaprException>(() => _client.GetByteStateAsync(Store, "a||b"));
        Assert.Equal(StatusCode.InvalidArgument, Assert.IsType<RpcException>(illegal.InnerException).StatusCode);

        await using var guarded = await DaprStateStandIn.StartAsync(new DaprStateStandInOptions { ApiToken = "s3cret" });
        using var anonymous = new DaprClientBuilder().UseGrpcEndpoint(guarded.GrpcEndpoint).Build();
        using var wrong = new DaprClientBuilder().UseGrpcEndpoint(guarded.GrpcEndpoint).UseDaprApiToken("guess").Build();
        using var authorised = new DaprClientBuilder().UseGrpcEndpoint(guarded.GrpcEndpoint).UseDaprApiToken("s3cret").Build();
        foreach (var client in new[] { anonymous, wrong })
        {
            var refused = await Assert.ThrowsAsync<DaprException>(() => client.GetByteStateAsync(Store, "k"));
            Assert.Equal(StatusCode.Unauthenticated, Assert.IsType<RpcException>(refused.InnerException).StatusCode);
        }

        await authorised.SaveByteStateAsync(Store, "k", Bytes("ok"));
        Assert.Equal("ok", Text(await authorised.GetByteStateAsync(Store, "k")));
    }

    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);
}
