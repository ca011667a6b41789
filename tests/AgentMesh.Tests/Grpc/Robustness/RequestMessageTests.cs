using AgentMesh.Grpc;
using AgentMesh.Tests.Grpc.Protos;
using AgentMesh.Tests.Grpc.Robustness.Http2;
using Google.Protobuf;
using Xunit;

namespace AgentMesh.Tests.Grpc.Robustness;

/// <summary>Request messages split, packed, cut off, corrupted or oversized, sent by a raw HTTP/2 client.</summary>
public sealed class RequestMessageTests(RobustnessServer fixture) : IClassFixture<RobustnessServer>
{
    [Fact]
    public async Task A_message_split_byte_by_byte_across_DATA_frames_is_read()
    {
        await using var connection = await fixture.ConnectAsync();
        var request = new EchoRequest { Message = "split", Payload = ByteString.CopyFrom(new byte[300]) };

        var stream = await RawGrpc.CallAsync(connection, RawGrpc.Unary, RawGrpc.Message(request), chunkSize: 1);
        await stream.EndedAsync();

        Assert.True(stream.Status() == StatusCode.OK, stream.Describe());
        Assert.Equal(request.Payload, Assert.Single(stream.Messages(EchoReply.Parser)).Payload);
        await fixture.AssertHealthyAsync();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(Http2Connection.MaxFrameSize)]
    public async Task Client_stream_messages_are_read_however_frames_cut_them(int chunkSize)
    {
        await using var connection = await fixture.ConnectAsync();
        var body = new[] { "a", "", "ccc" }.SelectMany(text => RawGrpc.Message(new EchoRequest { Message = text })).ToArray();

        var stream = await RawGrpc.CallAsync(connection, RawGrpc.ClientStream, body, chunkSize);
        await stream.EndedAsync();

        Assert.True(stream.Status() == StatusCode.OK, stream.Describe());
        var reply = Assert.Single(stream.Messages(EchoReply.Parser));
        Assert.Equal(("a,,ccc", 3), (reply.Message, reply.Index));
        await fixture.AssertHealthyAsync();
    }

    [Theory]
    [InlineData("message cut short", "00 0000000a 0a0378")]
    [InlineData("length prefix cut short", "00 0000")]
    [InlineData("second message cut short", "00 00000000 00 00000005")]
    public async Task A_message_cut_off_by_END_STREAM_is_INTERNAL(string what, string hex)
    {
        await using var connection = await fixture.ConnectAsync();

        var stream = await RawGrpc.CallAsync(connection, RawGrpc.ClientStream, Hex(hex));
        await stream.EndedAsync();

        Assert.True(stream.Status() == StatusCode.Internal, $"{what}: {stream.Describe()}");
        await fixture.AssertServesAsync(connection);
        await fixture.AssertHealthyAsync();
    }

    [Theory]
    [InlineData(RawGrpc.Unary, "0aff")]                     // field 1 (string) with a truncated length
    [InlineData(RawGrpc.Unary, "0a05616263")]               // field 1 longer than the message
    [InlineData(RawGrpc.Unary, "ffffffffffffffffffff01")]   // a tag varint over 10 bytes
    [InlineData(RawGrpc.ClientStream, "0aff")]
    [InlineData(RawGrpc.ServerStream, "0aff")]
    [InlineData(RawGrpc.Duplex, "0aff")]
    public async Task Bytes_that_are_not_the_request_message_are_INTERNAL(string path, string payloadHex)
    {
        await using var connection = await fixture.ConnectAsync();

        var stream = await RawGrpc.CallAsync(connection, path, RawGrpc.Message(Hex(payloadHex)));
        await stream.EndedAsync();

        Assert.True(stream.Status() == StatusCode.Internal, stream.Describe());
        Assert.StartsWith("Could not parse the message as EchoRequest", stream.Header("grpc-message"));
        await fixture.AssertHealthyAsync();
    }

    [Theory]
    [InlineData(4 * 1024 * 1024 + 1)]
    [InlineData(int.MaxValue)]
    [InlineData(uint.MaxValue)]
    public async Task A_length_prefix_over_the_limit_is_RESOURCE_EXHAUSTED_before_the_body_arrives(uint declared)
    {
        await using var connection = await fixture.ConnectAsync();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);

        // Only the prefix, and the request stream stays open: the server must answer without waiting for (or allocating) the body.
        var stream = await connection.StartStreamAsync(RawGrpc.Headers(connection, RawGrpc.Unary), endStream: false);
        await connection.SendDataAsync(stream.Id, RawGrpc.Message([], declaredLength: declared), endStream: false);
        await stream.EndedAsync();

        Assert.True(stream.Status() == StatusCode.ResourceExhausted, stream.Describe());
        Assert.Contains($"{declared} vs. {4 * 1024 * 1024}", stream.Header("grpc-message"));
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore < 256L * 1024 * 1024, "the claimed size was allocated");
        await fixture.AssertServesAsync(connection);
        await fixture.AssertHealthyAsync();
    }

    [Fact]
    public async Task A_compressed_message_without_grpc_encoding_is_INTERNAL()
    {
        await using var connection = await fixture.ConnectAsync();

        var stream = await RawGrpc.CallAsync(connection, RawGrpc.Unary, RawGrpc.Message(new EchoRequest().ToByteArray(), compressedFlag: 1));
        await stream.EndedAsync();

        Assert.True(stream.Status() == StatusCode.Internal, stream.Describe());
        Assert.Contains("grpc-encoding", stream.Header("grpc-message"));
        await fixture.AssertHealthyAsync();
    }

    [Theory]
    [InlineData(2)]
    [InlineData(0x80)]
    [InlineData(0xff)]
    public async Task An_unknown_compressed_flag_is_INTERNAL(byte flag)
    {
        await using var connection = await fixture.ConnectAsync();

        var stream = await RawGrpc.CallAsync(connection, RawGrpc.Unary, RawGrpc.Message(new EchoRequest().ToByteArray(), flag));
        await stream.EndedAsync();

        Assert.True(stream.Status() == StatusCode.Internal, stream.Describe());
        Assert.Contains("compressed flag", stream.Header("grpc-message"));
        await fixture.AssertHealthyAsync();
    }

    [Theory]
    [InlineData("not gzip at all")]
    [InlineData("1f8b08000000000000ff")]   // a gzip header and nothing after it
    [InlineData("1f8b08000000000002034b4c4a0600")]               // "abc" without its trailer
    [InlineData("1f8b08000000000002034b4c4a0600c2412435030000")]   // "abc" with its trailer cut by one byte
    public async Task A_gzip_message_that_does_not_decompress_is_INTERNAL(string payload)
    {
        await using var connection = await fixture.ConnectAsync();
        var bytes = payload.Contains(' ') ? System.Text.Encoding.ASCII.GetBytes(payload) : Hex(payload);

        var stream = await RawGrpc.CallAsync(connection, RawGrpc.Unary, RawGrpc.Message(bytes, compressedFlag: 1),
            extraHeaders: ("grpc-encoding", "gzip"));
        await stream.EndedAsync();

        Assert.True(stream.Status() == StatusCode.Internal, stream.Describe());
        await fixture.AssertHealthyAsync();
    }

    [Theory]
    [InlineData("zipped")]
    [InlineData("")]   // the empty message: GZipStream writes no bytes at all for it
    public async Task A_whole_gzip_message_is_read(string text)
    {
        await using var connection = await fixture.ConnectAsync();

        var stream = await RawGrpc.CallAsync(connection, RawGrpc.Unary, GrpcFrames.GzipFrame(new EchoRequest { Message = text }),
            extraHeaders: ("grpc-encoding", "gzip"));
        await stream.EndedAsync();

        Assert.True(stream.Status() == StatusCode.OK, stream.Describe());
        Assert.Equal(text, Assert.Single(stream.Messages(EchoReply.Parser)).Message);
    }

    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", ""));
}
