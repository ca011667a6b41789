using AgentMesh.Grpc;
using AgentMesh.Grpc.Client;
using AgentMesh.Grpc.Server;
using AgentMesh.Tests.Grpc.Protos;
using Google.Protobuf;
using Xunit;
using static AgentMesh.Tests.Grpc.EchoMethods;
using static AgentMesh.Tests.Grpc.RawGrpcClient;

namespace AgentMesh.Tests.Grpc;

/// <summary>Message compression (grpc/doc/compression.md): our client and server, and the exact frames a raw client sees.</summary>
public sealed class CompressionTests : RawEchoServerTests
{
    private static readonly ByteString Zeros = ByteString.CopyFrom(new byte[64 * 1024]);

    [Theory]
    [InlineData(null, null, false)]
    [InlineData(null, "gzip", true)]
    [InlineData("gzip", null, true)]
    [InlineData("gzip", "identity", false)]
    public async Task Request_compression_follows_the_call_then_the_channel_default(string? channelDefault, string? perCall, bool compressed)
    {
        using var channel = GrpcChannel.ForAddress(Server.Address, new GrpcChannelOptions { CompressionEncoding = channelDefault });

        var reply = await channel.UnaryAsync(Unary, new EchoRequest { Message = "m", Payload = Zeros },
            new CallOptions(CompressionEncoding: perCall)).WaitAsync(WaitLimit);

        Assert.Equal(compressed, reply.RequestCompressed);
        Assert.Equal(Zeros, reply.Payload);
    }

    [Fact]
    public async Task NoCompress_sends_single_messages_uncompressed_in_a_gzip_call()
    {
        using var channel = GrpcChannel.ForAddress(Server.Address);
        var noCompress = new WriteOptions(WriteFlags.NoCompress);

        var unary = await channel.UnaryAsync(Unary, new EchoRequest { Payload = Zeros },
            new CallOptions(CompressionEncoding: "gzip", WriteOptions: noCompress)).WaitAsync(WaitLimit);
        Assert.False(unary.RequestCompressed);

        using var call = channel.ClientStreaming(ClientStream, new CallOptions(CompressionEncoding: "gzip"));
        await call.RequestStream.WriteAsync(new EchoRequest { Message = "a" }).WaitAsync(WaitLimit);
        call.RequestStream.WriteOptions = noCompress;
        await call.RequestStream.WriteAsync(new EchoRequest { Message = "b" }).WaitAsync(WaitLimit);
        call.RequestStream.WriteOptions = null;
        await call.RequestStream.WriteAsync(new EchoRequest { Message = "c" }).WaitAsync(WaitLimit);
        await call.RequestStream.CompleteAsync();

        Assert.Equal("a:gz,b,c:gz", (await call.ResponseAsync.WaitAsync(WaitLimit)).Message);
    }

    [Fact]
    public async Task Buffered_writes_arrive_when_the_stream_moves_on()
    {
        using var channel = GrpcChannel.ForAddress(Server.Address);
        using var call = channel.ClientStreaming(ClientStream, new CallOptions(WriteOptions: new WriteOptions(WriteFlags.BufferHint)));
        await call.RequestStream.WriteAsync(new EchoRequest { Message = "a" }).WaitAsync(WaitLimit);
        await call.RequestStream.WriteAsync(new EchoRequest { Message = "b" }).WaitAsync(WaitLimit);
        await call.RequestStream.CompleteAsync();
        Assert.Equal("a,b", (await call.ResponseAsync.WaitAsync(WaitLimit)).Message);

        using var response = await Raw.SendAsync("/agentmesh.test.Echo/ServerStream",
            new ByteArrayContent(GrpcFrames.Frame(new EchoRequest { Message = "r", Count = 3, BufferReplies = true })));
        var frames = GrpcFrames.Split(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(new[] { 0, 1, 2 }, frames.Select(f => EchoReply.Parser.ParseFrom(f.Message).Index));
        Assert.Equal("0", Header(response.TrailingHeaders, "grpc-status"));
    }

    [Theory]
    [InlineData("identity,deflate,gzip", true)]
    [InlineData("gzip", true)]
    [InlineData("identity", false)]
    [InlineData(null, false)]
    public async Task Responses_are_compressed_only_when_the_client_accepts_gzip(string? acceptEncoding, bool compressed)
    {
        var headers = acceptEncoding is null ? null : new Dictionary<string, string> { ["grpc-accept-encoding"] = acceptEncoding };
        var request = new EchoRequest { Message = "r", Count = 2, ResponseCompression = "gzip", AlternateNoCompress = true, Payload = Zeros };

        using var response = await Raw.SendAsync("/agentmesh.test.Echo/ServerStream", new ByteArrayContent(GrpcFrames.Frame(request)),
            headers: headers);
        var frames = GrpcFrames.Split(await response.Content.ReadAsByteArrayAsync());

        Assert.Equal(compressed ? "gzip" : null, Header(response.Headers, "grpc-encoding"));
        Assert.Equal(compressed ? new byte[] { 1, 0 } : new byte[] { 0, 0 }, frames.Select(f => f.Flag));
        Assert.All(frames, f => Assert.Equal(Zeros, EchoReply.Parser.ParseFrom(f.Message).Payload));
        Assert.Equal("identity,gzip", Header(response.Headers, "grpc-accept-encoding"));
    }

    [Fact]
    public async Task Server_default_response_compression_comes_from_the_options()
    {
        await using var server = await GrpcTestServer.StartAsync(o => o.ResponseCompressionEncoding = "gzip");
        using var raw = new RawGrpcClient(server.Address);

        using var response = await raw.SendAsync("/agentmesh.test.Echo/Unary", new ByteArrayContent(GrpcFrames.Frame(new EchoRequest { Payload = Zeros })),
            headers: new() { ["grpc-accept-encoding"] = "gzip" });
        var frame = GrpcFrames.Split(await response.Content.ReadAsByteArrayAsync()).Single();

        Assert.Equal(1, frame.Flag);
        Assert.Equal(Zeros, EchoReply.Parser.ParseFrom(frame.Message).Payload);
    }

    [Fact]
    public async Task Our_client_reads_compressed_responses_and_a_unary_call_shows_headers_and_trailers()
    {
        using var channel = GrpcChannel.ForAddress(Server.Address);
        var headers = new Metadata { { "x-send-header", "h1" }, { "x-user", "u" } };

        using var call = channel.Unary(Unary, new EchoRequest { Payload = Zeros, ResponseCompression = "gzip" }, new CallOptions(headers));
        var responseHeaders = await call.ResponseHeadersAsync.WaitAsync(WaitLimit);
        var reply = await call.ResponseAsync.WaitAsync(WaitLimit);

        Assert.Equal("h1", responseHeaders.GetValue("x-header"));
        Assert.Equal(Zeros, reply.Payload);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        Assert.Equal("u", call.GetTrailers().GetValue("x-user"));
    }

    [Fact]
    public async Task Unsupported_request_encoding_is_UNIMPLEMENTED_listing_the_supported_ones()
    {
        using var response = await Raw.SendAsync("/agentmesh.test.Echo/Unary", new ByteArrayContent(GrpcFrames.GzipFrame(new EchoRequest())),
            headers: new() { ["grpc-encoding"] = "br" });

        Assert.Equal("12", Header(response.Headers, "grpc-status"));
        Assert.Equal("identity,gzip", Header(response.Headers, "grpc-accept-encoding"));
        Assert.Contains("'br'", Uri.UnescapeDataString(Header(response.Headers, "grpc-message")!));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("identity")]
    public async Task Compressed_flag_without_a_grpc_encoding_is_INTERNAL(string? encoding)
    {
        var headers = encoding is null ? null : new Dictionary<string, string> { ["grpc-encoding"] = encoding };
        using var response = await Raw.SendAsync("/agentmesh.test.Echo/Unary", new ByteArrayContent(GrpcFrames.GzipFrame(new EchoRequest())),
            headers: headers);

        Assert.Equal("13", Header(response.Headers, "grpc-status"));
        Assert.Contains("compressed flag", Uri.UnescapeDataString(Header(response.Headers, "grpc-message")!));
    }

    [Fact]
    public async Task Decompression_bomb_is_RESOURCE_EXHAUSTED_with_the_sizes()
    {
        var bomb = GrpcFrames.GzipFrame(new EchoRequest { Payload = ByteString.CopyFrom(new byte[16 * 1024 * 1024]) });
        Assert.True(bomb.Length < 64 * 1024);

        using var response = await Raw.SendAsync("/agentmesh.test.Echo/Unary", new ByteArrayContent(bomb),
            headers: new() { ["grpc-encoding"] = "gzip" });

        Assert.Equal("8", Header(response.Headers, "grpc-status"));
        var detail = Uri.UnescapeDataString(Header(response.Headers, "grpc-message")!);
        Assert.Contains("4194304", detail);
        Assert.Contains((bomb.Length - 5).ToString(), detail);
        Assert.DoesNotContain(Server.Logs.Entries, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Corrupt_or_truncated_gzip_payload_is_INTERNAL(bool truncated)
    {
        var random = new byte[4096];
        new Random(7).NextBytes(random);
        var gzip = GrpcFrames.Gzip(new EchoRequest { Payload = ByteString.CopyFrom(random) }.ToByteArray());
        var payload = truncated ? gzip[..(gzip.Length / 2)] : new byte[] { 1, 2, 3, 4, 5, 6 };

        using var response = await Raw.SendAsync("/agentmesh.test.Echo/Unary", new ByteArrayContent(GrpcFrames.Frame(payload, flag: 1)),
            headers: new() { ["grpc-encoding"] = "gzip" });

        Assert.Equal("13", Header(response.Headers, "grpc-status"));
        Assert.Contains("decompress", Uri.UnescapeDataString(Header(response.Headers, "grpc-message")!));
    }

    [Fact]
    public void Unsupported_encodings_in_options_throw_naming_the_setting()
    {
        Assert.Contains("CompressionEncoding", Assert.Throws<ArgumentException>(() => new GrpcChannelOptions { CompressionEncoding = "br" }).Message);
        Assert.Contains("ResponseCompressionEncoding",
            Assert.Throws<ArgumentException>(() => new GrpcServerOptions { ResponseCompressionEncoding = "deflate" }).Message);
        using var channel = GrpcChannel.ForAddress(Server.Address);
        Assert.Throws<ArgumentException>(() => channel.Unary(Unary, new EchoRequest(), new CallOptions(CompressionEncoding: "br")));
    }

    [Fact]
    public void A_method_is_called_only_in_its_own_form()
    {
        using var channel = GrpcChannel.ForAddress(Server.Address);

        var error = Assert.Throws<ArgumentException>(() => channel.Unary(ServerStream, new EchoRequest()));

        Assert.Contains("ServerStreaming", error.Message);
    }
}
