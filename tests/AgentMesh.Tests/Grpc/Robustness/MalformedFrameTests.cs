using AgentMesh.Grpc;
using AgentMesh.Tests.Grpc.Protos;
using AgentMesh.Tests.Grpc.Robustness.Http2;
using Xunit;

namespace AgentMesh.Tests.Grpc.Robustness;

/// <summary>
/// Frames and header blocks that break HTTP/2 (RFC 9113) or gRPC's header rules: connection errors
/// end the connection with GOAWAY and cancel its calls, stream errors reset one stream, unknown
/// frame types are ignored; the server keeps serving either way.
/// </summary>
public sealed class MalformedFrameTests(RobustnessServer fixture) : IClassFixture<RobustnessServer>
{
    /// <summary>Bytes that break the connection, given the id of a stream in flight on it.</summary>
    private static readonly Dictionary<string, Func<int, byte[]>> ConnectionBreakers = new()
    {
        ["DATA longer than SETTINGS_MAX_FRAME_SIZE"] = id => Http2Frames.Data(id, new byte[Http2Connection.MaxFrameSize + 1], false).Encode(),
        ["SETTINGS whose length is not a multiple of 6"] = _ => new Http2Frame(FrameType.Settings, FrameFlags.None, 0, new byte[5]).Encode(),
        ["SETTINGS ACK with a payload"] = _ => new Http2Frame(FrameType.Settings, FrameFlags.Ack, 0, new byte[6]).Encode(),
        ["SETTINGS on a stream"] = id => (Http2Frames.Settings() with { StreamId = id }).Encode(),
        ["INITIAL_WINDOW_SIZE above 2^31-1"] = _ => Http2Frames.Settings((Http2SettingId.InitialWindowSize, 0x80000000)).Encode(),
        ["ENABLE_PUSH of 2"] = _ => Http2Frames.Settings((Http2SettingId.EnablePush, 2)).Encode(),
        ["PING of 7 bytes"] = _ => new Http2Frame(FrameType.Ping, FrameFlags.None, 0, new byte[7]).Encode(),
        ["PING on a stream"] = id => (Http2Frames.Ping(1) with { StreamId = id }).Encode(),
        ["RST_STREAM of 3 bytes"] = id => new Http2Frame(FrameType.RstStream, FrameFlags.None, id, new byte[3]).Encode(),
        ["RST_STREAM on an idle stream"] = id => Http2Frames.RstStream(id + 100, Http2ErrorCode.Cancel).Encode(),
        ["DATA on stream 0"] = _ => Http2Frames.Data(0, new byte[1], false).Encode(),
        ["HEADERS on an even stream id"] = id => Http2Frames.Headers(id + 1, HpackEncoder.Encode([(":method", "POST")]), true).Encode(),
        ["CONTINUATION without HEADERS"] = id => Http2Frames.Continuation(id, new byte[1], true).Encode(),
        ["DATA inside a header block"] = id => Http2Frames.Headers(id + 2, HpackEncoder.Encode([(":method", "POST")]), false, endHeaders: false).Encode()
            .Concat(Http2Frames.Data(id + 2, new byte[1], false).Encode()).ToArray(),
        ["header block that is not HPACK"] = id => Http2Frames.Headers(id + 2, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff], true).Encode(),
        ["WINDOW_UPDATE that overflows the connection window"] = _ => Http2Frames.WindowUpdate(0, int.MaxValue).Encode(),
        ["WINDOW_UPDATE of 0 on the connection"] = _ => Http2Frames.WindowUpdate(0, 0).Encode(),
        ["GOAWAY on a stream"] = id => (Http2Frames.GoAway(0, Http2ErrorCode.NoError) with { StreamId = id }).Encode(),
    };

    public static TheoryData<string> ConnectionBreakerNames => new(ConnectionBreakers.Keys);

    [Theory]
    [MemberData(nameof(ConnectionBreakerNames))]
    public async Task A_connection_error_ends_the_connection_and_cancels_its_calls(string breaker)
    {
        await using var connection = await fixture.ConnectAsync();
        var (call, key) = await fixture.StartWaitingCallAsync(connection, RawGrpc.Duplex);

        await connection.SendRawAsync(ConnectionBreakers[breaker](call.Id));
        var goAway = await connection.GoAwayReceived.WaitAsync(EchoMethods.WaitLimit);
        await connection.Closed.WaitAsync(EchoMethods.WaitLimit);

        Assert.NotEqual(Http2ErrorCode.NoError, goAway.Code);
        Assert.StartsWith("cancelled", await fixture.Server.Probe.OutcomeAsync(key));
        await fixture.AssertHealthyAsync();
    }

    /// <summary>
    /// Header lists that make a request malformed (RFC 9113 §8.1.1, §8.2), given the well-formed one, and
    /// whether Kestrel answers with a connection error (which RFC 9113 §5.4.1 allows in place of a stream error).
    /// </summary>
    private static readonly Dictionary<string, (Func<List<(string Name, string Value)>, IEnumerable<(string Name, string Value)>> Apply, bool EndsConnection)>
        MalformedHeaders = new()
        {
            ["no :path"] = (headers => headers.Where(h => h.Name != ":path"), false),
            ["no :method"] = (headers => headers.Where(h => h.Name != ":method"), false),
            ["no :scheme"] = (headers => headers.Where(h => h.Name != ":scheme"), false),
            ["an empty :path"] = (headers => headers.Select(h => h.Name == ":path" ? (h.Name, "") : h), false),
            ["an upper-case header name"] = (headers => headers.Append(("X-Upper", "1")), true),
            ["a pseudo-header after a regular header"] = (headers => headers.Append((":authority", "again")), true),
            ["an unknown pseudo-header"] = (headers => headers.Prepend((":protocol-x", "1")), true),
            ["a connection-specific header"] = (headers => headers.Append(("connection", "keep-alive")), true),
            ["te other than trailers"] = (headers => headers.Select(h => h.Name == "te" ? (h.Name, "gzip") : h), true),
            ["a header value with a NUL"] = (headers => headers.Append(("x-nul", "a\0b")), true),
        };

    public static TheoryData<string> MalformedHeaderNames => new(MalformedHeaders.Keys);

    [Theory]
    [MemberData(nameof(MalformedHeaderNames))]
    public async Task A_malformed_request_header_list_is_a_PROTOCOL_ERROR(string malformation)
    {
        await using var connection = await fixture.ConnectAsync();
        var (apply, endsConnection) = MalformedHeaders[malformation];

        var stream = await connection.StartStreamAsync(apply(RawGrpc.Headers(connection, RawGrpc.Unary)), endStream: true);
        await stream.EndedAsync();

        if (endsConnection)
        {
            Assert.Equal(Http2ErrorCode.ProtocolError, (await connection.GoAwayReceived.WaitAsync(EchoMethods.WaitLimit)).Code);
            await connection.Closed.WaitAsync(EchoMethods.WaitLimit);
        }
        else
        {
            Assert.True(stream.ResetCode == Http2ErrorCode.ProtocolError, stream.Describe());
            await fixture.AssertServesAsync(connection);
        }

        await fixture.AssertHealthyAsync();
    }

    [Fact]
    public async Task Frames_of_unknown_types_and_unknown_flags_are_ignored()
    {
        await using var connection = await fixture.ConnectAsync();
        var stream = await connection.StartStreamAsync(RawGrpc.Headers(connection, RawGrpc.Unary), endStream: false);

        await connection.SendAsync(
            new Http2Frame((FrameType)0xfa, FrameFlags.None, 0, [1, 2, 3]),
            new Http2Frame((FrameType)0x20, (FrameFlags)0xff, stream.Id, new byte[100]),
            new Http2Frame(FrameType.Data, (FrameFlags)0xf0, stream.Id, RawGrpc.Message(new EchoRequest { Message = "ignored around" })),
            new Http2Frame((FrameType)0xfb, FrameFlags.None, stream.Id + 2, []),
            Http2Frames.Data(stream.Id, [], endStream: true));
        await stream.EndedAsync();

        Assert.True(stream.Status() == StatusCode.OK, stream.Describe());
        Assert.Equal("ignored around", Assert.Single(stream.Messages(EchoReply.Parser)).Message);
        await fixture.AssertHealthyAsync();
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1X")]
    [InlineData("123456789S")]   // more than 8 digits
    [InlineData("-1S")]
    [InlineData("S")]
    [InlineData("1 S")]
    [InlineData("99999999H")]    // valid, longer than any timer
    public async Task An_unusable_grpc_timeout_does_not_fail_the_call(string timeout)
    {
        await using var connection = await fixture.ConnectAsync();

        var stream = await RawGrpc.CallAsync(connection, RawGrpc.Unary, RawGrpc.Message(new EchoRequest { Message = "on time" }),
            extraHeaders: ("grpc-timeout", timeout));
        await stream.EndedAsync();

        Assert.True(stream.Status() == StatusCode.OK, stream.Describe());
        await fixture.AssertHealthyAsync();
    }

    [Theory]
    [InlineData(1, 64 * 1024)]       // one value over Kestrel's 32 KiB header limit
    [InlineData(4000, 10)]           // many small headers over the limit
    public async Task A_header_list_over_the_size_limit_fails_the_call_not_the_server(int count, int valueLength)
    {
        await using var connection = await fixture.ConnectAsync();
        var extra = Enumerable.Range(0, count).Select(i => ($"x-big-{i}", new string('v', valueLength))).ToArray();

        var stream = await connection.StartStreamAsync(RawGrpc.Headers(connection, RawGrpc.Unary, extra), endStream: false);
        try
        {
            await connection.SendDataAsync(stream.Id, RawGrpc.Message(new EchoRequest()), endStream: true);
        }
        catch (IOException)
        {
            // Kestrel may answer a header block over its limits by closing the connection while
            // the rest of the request is still being written (RFC 9113 allows a connection error).
        }

        await stream.EndedAsync();

        Assert.True(stream.Status() != StatusCode.OK, stream.Describe());
        await fixture.AssertHealthyAsync();
    }

    [Fact]
    public async Task An_endless_CONTINUATION_flood_is_cut_off()
    {
        await using var connection = await fixture.ConnectAsync();
        var stream = connection.OpenStream();
        var first = Http2Frames.Headers(stream.Id, HpackEncoder.Encode(RawGrpc.Headers(connection, RawGrpc.Unary)), false, endHeaders: false);
        await connection.SendAsync(first);

        // A header block that never ends: 1 MiB of 16-byte fragments (the literal of a header name that keeps growing).
        var flood = Enumerable.Range(0, 64 * 1024).SelectMany(_ => Http2Frames.Continuation(stream.Id, new byte[16], false).Encode()).ToArray();
        try
        {
            await connection.SendRawAsync(flood);
        }
        catch (IOException)
        {
            // The server closed the connection while we were still flooding: that is the point.
        }

        await connection.Closed.WaitAsync(EchoMethods.WaitLimit);
        Assert.True(stream.ConnectionLost || stream.ResetCode is not null, stream.Describe());
        await fixture.AssertHealthyAsync();
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\n\r\n")]
    [InlineData("PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n")]
    [InlineData("\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\r\n")] // Kestrel rules out HTTP/1.x only at a line end
    public async Task A_connection_that_does_not_start_with_the_preface_is_closed(string start)
    {
        await using var connection = await Http2Connection.ConnectAsync(fixture.Server.Address, handshake: false);

        await connection.SendRawAsync(System.Text.Encoding.Latin1.GetBytes(start));

        await connection.Closed.WaitAsync(EchoMethods.WaitLimit);
        await fixture.AssertHealthyAsync();
    }

    [Fact]
    public async Task A_frame_cut_off_by_a_vanishing_client_leaves_no_call_behind()
    {
        var connection = await fixture.ConnectAsync();
        var (call, key) = await fixture.StartWaitingCallAsync(connection, RawGrpc.Duplex);

        // A DATA frame that announces 1000 bytes, of which 10 arrive before the client vanishes.
        await connection.SendRawAsync(Http2Frames.Data(call.Id, new byte[10], false).Encode(declaredLength: 1000));
        connection.Abort();
        await connection.DisposeAsync();

        Assert.StartsWith("cancelled", await fixture.Server.Probe.OutcomeAsync(key));
        await fixture.AssertHealthyAsync();
    }
}
