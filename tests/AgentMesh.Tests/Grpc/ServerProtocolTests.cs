using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using AgentMesh.Grpc;
using AgentMesh.Tests.Grpc.Protos;
using Google.Protobuf;
using Xunit;
using static AgentMesh.Tests.Grpc.EchoMethods;

namespace AgentMesh.Tests.Grpc;

/// <summary>The server's wire behaviour, seen by a raw HTTP/2 client (no gRPC client in between).</summary>
public sealed class ServerProtocolTests : IAsyncLifetime
{
    private GrpcTestServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await GrpcTestServer.StartAsync();
        _http = new HttpClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

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
        var frames = FrameBytes(new EchoRequest { Message = "one" }).Concat(FrameBytes(new EchoRequest { Message = "two" })).ToArray();
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
        Assert.Equal("cancelled deadline-set=True", await _server.Probe.OutcomeAsync(request.ProbeKey));
    }

    [Fact]
    public async Task A_handler_that_ends_inside_the_cancellation_callback_still_gets_DEADLINE_EXCEEDED()
    {
        var request = new EchoRequest { Message = "wait-on-token", DelayMs = 1, ProbeKey = Guid.NewGuid().ToString() };
        using var response = await SendAsync("/agentmesh.test.Echo/Unary", Frame(request),
            extraHeaders: new() { ["grpc-timeout"] = "200m" });

        Assert.Equal("4", Header(response.Headers, "grpc-status"));
        Assert.Equal("cancelled deadline-set=True", await _server.Probe.OutcomeAsync(request.ProbeKey));
    }

    private async Task<HttpResponseMessage> SendAsync(string path, HttpContent content, string contentType = "application/grpc",
        Dictionary<string, string>? extraHeaders = null)
    {
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var request = new HttpRequestMessage(HttpMethod.Post, _server.Address + path)
        {
            Content = content,
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        foreach (var (name, value) in extraHeaders ?? new())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var response = await _http.SendAsync(request).WaitAsync(WaitLimit);
        return response;
    }

    private static ByteArrayContent Frame(IMessage message) => new(FrameBytes(message));

    private static byte[] FrameBytes(IMessage message)
    {
        var payload = message.ToByteArray();
        var framed = new byte[5 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1, 4), (uint)payload.Length);
        payload.CopyTo(framed, 5);
        return framed;
    }

    private static string? Header(HttpHeaders headers, string name)
        => headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

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
