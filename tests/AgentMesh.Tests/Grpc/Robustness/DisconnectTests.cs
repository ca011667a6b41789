using AgentMesh.Tests.Grpc.Protos;
using AgentMesh.Tests.Grpc.Robustness.Http2;
using Google.Protobuf;
using Xunit;

namespace AgentMesh.Tests.Grpc.Robustness;

/// <summary>
/// Clients that vanish (TCP reset, no GOAWAY) or reset a stream mid-call: the handler's token fires,
/// the call leaves nothing in flight, and (for a reset) the connection goes on serving.
/// </summary>
public sealed class DisconnectTests(RobustnessServer fixture) : IClassFixture<RobustnessServer>
{
    [Theory]
    [InlineData(RawGrpc.Unary)]
    [InlineData(RawGrpc.ServerStream)]
    [InlineData(RawGrpc.Duplex)]
    public async Task A_client_that_vanishes_mid_call_cancels_the_handler(string path)
    {
        var connection = await fixture.ConnectAsync();
        var (_, key) = await fixture.StartWaitingCallAsync(connection, path);

        connection.Abort();
        await connection.DisposeAsync();

        Assert.Equal("cancelled deadline-set=False", await fixture.Server.Probe.OutcomeAsync(key));
        await fixture.AssertHealthyAsync();
    }

    [Fact]
    public async Task A_client_that_vanishes_inside_a_client_stream_leaves_no_call_behind()
    {
        var connection = await fixture.ConnectAsync();
        var stream = await connection.StartStreamAsync(RawGrpc.Headers(connection, RawGrpc.ClientStream), endStream: false);
        await connection.SendDataAsync(stream.Id, RawGrpc.Message(new EchoRequest { Message = "one" }), endStream: false);
        await fixture.WaitForCallsInFlightAsync(1);

        connection.Abort();
        await connection.DisposeAsync();

        await fixture.AssertHealthyAsync();
    }

    [Fact]
    public async Task A_client_that_vanishes_while_the_server_streams_at_full_speed_stops_the_handler()
    {
        var connection = await fixture.ConnectAsync();
        var request = new EchoRequest { Count = 1_000_000, Payload = ByteString.CopyFrom(new byte[1024]) };
        var stream = await RawGrpc.CallAsync(connection, RawGrpc.ServerStream, RawGrpc.Message(request));
        await stream.WaitForDataAsync(256 * 1024).WaitAsync(EchoMethods.WaitLimit);

        connection.Abort();
        await connection.DisposeAsync();

        await fixture.AssertHealthyAsync();
    }

    [Theory]
    [InlineData(RawGrpc.Unary, Http2ErrorCode.Cancel)]
    [InlineData(RawGrpc.ServerStream, Http2ErrorCode.Cancel)]
    [InlineData(RawGrpc.Duplex, Http2ErrorCode.Cancel)]
    [InlineData(RawGrpc.Duplex, Http2ErrorCode.NoError)]
    [InlineData(RawGrpc.Duplex, Http2ErrorCode.InternalError)]
    [InlineData(RawGrpc.Duplex, (Http2ErrorCode)0xdead)]   // unknown codes mean INTERNAL_ERROR (RFC 9113 §7)
    public async Task RST_STREAM_mid_call_cancels_the_handler_and_the_connection_goes_on(string path, Http2ErrorCode code)
    {
        await using var connection = await fixture.ConnectAsync();
        var (stream, key) = await fixture.StartWaitingCallAsync(connection, path);

        await connection.ResetStreamAsync(stream.Id, code);

        Assert.Equal("cancelled deadline-set=False", await fixture.Server.Probe.OutcomeAsync(key));
        await fixture.AssertServesAsync(connection);
        await fixture.AssertHealthyAsync();
    }

    [Theory]
    [InlineData(RawGrpc.ClientStream)]
    [InlineData(RawGrpc.Duplex)]
    public async Task A_reset_that_fails_a_waiting_read_is_a_cancellation_not_a_handler_failure(string path)
    {
        // Kestrel fails the pending body read as soon as it sees the reset, and fires RequestAborted a
        // moment later on another thread: the handler may fail first. That must still count as the
        // client's cancellation (logged as Information), never as a handler error. A race, so: 30 times.
        await using var connection = await fixture.ConnectAsync();
        for (var i = 0; i < 30; i++)
        {
            var stream = await connection.StartStreamAsync(RawGrpc.Headers(connection, path), endStream: false);
            await connection.SendDataAsync(stream.Id, RawGrpc.Message(new EchoRequest { Message = "then wait" }), endStream: false);
            await fixture.WaitForCallsInFlightAsync(1);
            if (path == RawGrpc.Duplex)
            {
                await stream.WaitForDataAsync(5).WaitAsync(EchoMethods.WaitLimit); // the echo: the handler reads again
            }

            await connection.ResetStreamAsync(stream.Id, Http2ErrorCode.Cancel);
            await fixture.AssertNoCallsInFlightAsync();
        }

        await fixture.AssertServesAsync(connection);
        await fixture.AssertHealthyAsync();
    }

    [Fact]
    public async Task RST_STREAM_inside_a_client_stream_leaves_no_call_behind()
    {
        await using var connection = await fixture.ConnectAsync();
        var stream = await connection.StartStreamAsync(RawGrpc.Headers(connection, RawGrpc.ClientStream), endStream: false);
        await connection.SendDataAsync(stream.Id, RawGrpc.Message(new EchoRequest { Message = "one" }), endStream: false);
        await fixture.WaitForCallsInFlightAsync(1);

        await connection.ResetStreamAsync(stream.Id, Http2ErrorCode.Cancel);

        await fixture.AssertNoCallsInFlightAsync();
        await fixture.AssertServesAsync(connection);
        await fixture.AssertHealthyAsync();
    }
}
