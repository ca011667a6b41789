using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using AgentMesh.Grpc;
using AgentMesh.Tests.Grpc.Protos;
using Google.Protobuf;
using Xunit;
using static AgentMesh.Tests.Grpc.EchoMethods;
using static AgentMesh.Tests.Grpc.RawGrpcClient;

namespace AgentMesh.Tests.Grpc;

/// <summary>The server's wire behaviour, seen by a raw HTTP/2 client (no gRPC client in between).</summary>
public sealed class ServerProtocolTests : RawEchoServerTests
{
    [Fact]
    public async Task Non_grpc_content_type_is_HTTP_415()
    {
        using var response = await SendAsync("/agentmesh.test.Echo/Unary", Frame(new EchoRequest()), "application/json");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Theory]
    [InlineData("/agentmesh.test.Echo/NoSuchMethod", "Method")]
    [InlineData("/agentmesh.test.NoSuchService/Unary", "Service")]
    public async Task Unknown_method_or_service_is_UNIMPLEMENTED_trailers_only(string path, string what)
    {
        using var response = await SendAsync(path, Frame(new EchoRequest()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("12", Header(response.Headers, "grpc-status"));
        Assert.StartsWith(what, Header(response.Headers, "grpc-message"));
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Immediate_error_is_trailers_only_with_percent_encoded_message()
    {
        var request = new EchoRequest { StatusCode = (int)StatusCode.NotFound, StatusDetail = "ä 100%" };
        using var response = await SendAsync("/agentmesh.test.Echo/Unary", Frame(request));

        Assert.Equal("5", Header(response.Headers, "grpc-status"));
        Assert.Equal("%C3%A4 100%25", Header(response.Headers, "grpc-message"));
        Assert.Equal("application/grpc", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Empty(response.TrailingHeaders);
    }

    [Fact]
    public async Task Messages_split_across_and_packed_into_frames_are_read()
    {
        var frames = GrpcFrames.Frame(new EchoRequest { Message = "one" }).Concat(GrpcFrames.Frame(new EchoRequest { Message = "two" })).ToArray();
        var content = new DribbleContent(frames, chunk: 3);

        using var response = await SendAsync("/agentmesh.test.Echo/ClientStream", content);
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal("0", Header(response.TrailingHeaders, "grpc-status"));
        Assert.Equal((uint)body.Length - 5, BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(1, 4)));
        Assert.Equal("one,two", EchoReply.Parser.ParseFrom(body.AsSpan(5)).Message);
    }

    [Theory]
    [InlineData("AAEC/w==")]
    [InlineData("AAEC/w")]
    public async Task Binary_metadata_is_accepted_padded_and_unpadded(string value)
    {
        using var response = await SendAsync("/agentmesh.test.Echo/Unary", Frame(new EchoRequest()),
            extraHeaders: new() { ["x-blob-bin"] = value });
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Contains("x-blob-bin=AAEC/w==", EchoReply.Parser.ParseFrom(body.AsSpan(5)).Metadata);
        Assert.Equal("AAEC/w", Header(response.TrailingHeaders, "x-blob-bin"));
    }

    [Fact]
    public async Task Server_enforces_grpc_timeout_with_DEADLINE_EXCEEDED()
    {
        var request = new EchoRequest { DelayMs = 20_000, ProbeKey = Guid.NewGuid().ToString() };
        using var response = await SendAsync("/agentmesh.test.Echo/Unary", Frame(request),
            extraHeaders: new() { ["grpc-timeout"] = "200m" });

        Assert.Equal("4", Header(response.Headers, "grpc-status"));
        Assert.Equal("cancelled deadline-set=True", await Server.Probe.OutcomeAsync(request.ProbeKey));
    }

    [Fact]
    public async Task A_handler_that_ends_inside_the_cancellation_callback_still_gets_DEADLINE_EXCEEDED()
    {
        var request = new EchoRequest { Message = "wait-on-token", DelayMs = 1, ProbeKey = Guid.NewGuid().ToString() };
        using var response = await SendAsync("/agentmesh.test.Echo/Unary", Frame(request),
            extraHeaders: new() { ["grpc-timeout"] = "200m" });

        Assert.Equal("4", Header(response.Headers, "grpc-status"));
        Assert.Equal("cancelled deadline-set=True", await Server.Probe.OutcomeAsync(request.ProbeKey));
    }

    [Theory]
    [InlineData("application/grpc")]
    [InlineData("application/grpc+proto")]
    [InlineData("application/grpc;foo=bar")]
    [InlineData("application/grpc+proto; charset=utf-8")]
    public async Task Grpc_content_types_are_accepted(string contentType)
    {
        using var response = await SendAsync("/agentmesh.test.Echo/Unary", Frame(new EchoRequest { Message = "ok" }), contentType);
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("0", Header(response.TrailingHeaders, "grpc-status"));
        Assert.Equal("ok", EchoReply.Parser.ParseFrom(GrpcFrames.Split(body).Single().Message).Message);
    }

    [Fact]
    public async Task Comma_joined_binary_metadata_values_are_split()
    {
        using var response = await SendAsync("/agentmesh.test.Echo/Unary", Frame(new EchoRequest()),
            extraHeaders: new() { ["x-blob-bin"] = "AAEC, AQI=" });
        var body = await response.Content.ReadAsByteArrayAsync();

        var echoed = EchoReply.Parser.ParseFrom(GrpcFrames.Split(body).Single().Message).Metadata;
        Assert.Equal(new[] { "x-blob-bin=AAEC", "x-blob-bin=AQI=" }, echoed.Where(m => m.StartsWith("x-blob-bin=")));
    }

    [Theory]
    [InlineData("99999999n")]
    [InlineData("200000u")]
    [InlineData("200m")]
    [InlineData("1S")]
    public async Task Server_enforces_grpc_timeout_in_each_short_unit(string timeout)
    {
        var request = new EchoRequest { DelayMs = 20_000, ProbeKey = Guid.NewGuid().ToString() };
        using var response = await SendAsync("/agentmesh.test.Echo/Unary", Frame(request),
            extraHeaders: new() { ["grpc-timeout"] = timeout });

        Assert.Equal("4", Header(response.Headers, "grpc-status"));
        Assert.Equal("cancelled deadline-set=True", await Server.Probe.OutcomeAsync(request.ProbeKey));
    }

    [Theory]
    [InlineData("3M", 3 * 60)]
    [InlineData("2H", 2 * 3600)]
    [InlineData("90S", 90)]
    public async Task Handler_sees_the_deadline_of_long_grpc_timeout_units(string timeout, int seconds)
    {
        var before = DateTime.UtcNow;
        using var response = await SendAsync("/agentmesh.test.Echo/Unary", Frame(new EchoRequest()),
            extraHeaders: new() { ["grpc-timeout"] = timeout });
        var after = DateTime.UtcNow;
        var reply = EchoReply.Parser.ParseFrom(GrpcFrames.Split(await response.Content.ReadAsByteArrayAsync()).Single().Message);

        var deadline = DateTime.Parse(reply.Deadline, null, System.Globalization.DateTimeStyles.RoundtripKind);
        Assert.InRange(deadline, before.AddSeconds(seconds), after.AddSeconds(seconds));
    }

    private Task<HttpResponseMessage> SendAsync(string path, HttpContent content, string contentType = "application/grpc",
        Dictionary<string, string>? extraHeaders = null) => Raw.SendAsync(path, content, contentType, extraHeaders);

    private static ByteArrayContent Frame(IMessage message) => new(GrpcFrames.Frame(message));

    /// <summary>Sends the body a few bytes at a time, flushing each piece as its own DATA frame.</summary>
    private sealed class DribbleContent(byte[] body, int chunk) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var offset = 0; offset < body.Length; offset += chunk)
            {
                await stream.WriteAsync(body.AsMemory(offset, Math.Min(chunk, body.Length - offset)));
                await stream.FlushAsync();
                await Task.Delay(5);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = body.Length;
            return true;
        }
    }
}
