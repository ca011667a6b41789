using AgentMesh.Grpc;
using AgentMesh.Grpc.Client;
using AgentMesh.Tests.Grpc.Protos;
using AgentMesh.Tests.Grpc.Robustness.Http2;
using Xunit;

namespace AgentMesh.Tests.Grpc.Robustness;

/// <summary>Thousands of streams at once, through the channel and over raw connections, up to and past the server's stream limit.</summary>
public sealed class ConcurrencyTests(RobustnessServer fixture) : IClassFixture<RobustnessServer>
{
    [Fact]
    public async Task Five_thousand_concurrent_calls_through_one_channel_all_run_and_all_cancel()
    {
        const int Calls = 5000;
        using var channel = GrpcChannel.ForAddress(fixture.Server.Address);
        using var cancellation = new CancellationTokenSource();
        var request = new EchoRequest { Count = 2, DelayMs = 60_000 };
        var calls = Enumerable.Range(0, Calls)
            .Select(_ => channel.ServerStreaming(EchoMethods.ServerStream, request, new CallOptions(CancellationToken: cancellation.Token)))
            .ToList();
        try
        {
            // Each call got its first reply, so each handler runs, now waiting on its token.
            Assert.All(await Task.WhenAll(calls.Select(call => call.ResponseStream.MoveNext())).WaitAsync(EchoMethods.WaitLimit), Assert.True);
            await fixture.WaitForCallsInFlightAsync(Calls);

            cancellation.Cancel();

            foreach (var call in calls)
            {
                var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());
                Assert.Equal(StatusCode.Cancelled, error.StatusCode);
            }
        }
        finally
        {
            calls.ForEach(call => call.Dispose());
        }

        await fixture.AssertHealthyAsync();
    }

    [Fact]
    public async Task A_stream_past_the_servers_concurrency_limit_is_refused_and_the_connection_goes_on()
    {
        await using var connection = await fixture.ConnectAsync();
        var limit = (int)(await connection.ServerSettings.WaitAsync(EchoMethods.WaitLimit))[Http2SettingId.MaxConcurrentStreams];
        var waiting = await Task.WhenAll(Enumerable.Range(0, limit).Select(_ => fixture.StartWaitingCallAsync(connection, RawGrpc.ServerStream)));

        var refused = await RawGrpc.CallAsync(connection, RawGrpc.Unary, RawGrpc.Message(new EchoRequest()));
        await refused.EndedAsync();
        Assert.True(refused.ResetCode == Http2ErrorCode.RefusedStream, refused.Describe());

        foreach (var (stream, _) in waiting)
        {
            await connection.ResetStreamAsync(stream.Id, Http2ErrorCode.Cancel);
        }

        foreach (var (_, key) in waiting)
        {
            Assert.Equal("cancelled deadline-set=False", await fixture.Server.Probe.OutcomeAsync(key));
        }

        await fixture.AssertServesAsync(connection);
        await fixture.AssertHealthyAsync();
    }

    [Fact]
    public async Task Five_thousand_calls_over_five_raw_connections_at_their_stream_limits_all_succeed()
    {
        const int Connections = 5;
        const int CallsPerConnection = 1000;

        var refusals = await Task.WhenAll(Enumerable.Range(0, Connections).Select(async c =>
        {
            await using var connection = await fixture.ConnectAsync();
            var limit = (int)(await connection.ServerSettings.WaitAsync(EchoMethods.WaitLimit))[Http2SettingId.MaxConcurrentStreams];
            using var slots = new SemaphoreSlim(limit);
            var refused = 0;
            await Task.WhenAll(Enumerable.Range(0, CallsPerConnection).Select(async i =>
            {
                await slots.WaitAsync();
                try
                {
                    var text = $"{c}/{i}";
                    Http2Stream stream;
                    do
                    {
                        // The server may count a stream as active a moment after its END_STREAM reached us:
                        // REFUSED_STREAM promises the request was not processed, so it is retried.
                        stream = await RawGrpc.CallAsync(connection, RawGrpc.Unary, RawGrpc.Message(new EchoRequest { Message = text }));
                        await stream.EndedAsync();
                    }
                    while (stream.ResetCode == Http2ErrorCode.RefusedStream && Interlocked.Increment(ref refused) > 0);

                    Assert.True(stream.Status() == StatusCode.OK, stream.Describe());
                    Assert.Equal(text, Assert.Single(stream.Messages(EchoReply.Parser)).Message);
                }
                finally
                {
                    slots.Release();
                }
            }));
            return refused;
        }));

        Assert.True(refusals.Sum() < Connections * CallsPerConnection / 10, $"{refusals.Sum()} refused streams");
        await fixture.AssertHealthyAsync();
    }
}
