using System.Collections.Concurrent;
using AgentMesh.Grpc;
using AgentMesh.Grpc.Client;
using AgentMesh.Grpc.Internal.Wire;
using AgentMesh.Tests.Grpc.Protos;
using Microsoft.AspNetCore.Http;
using Xunit;
using static AgentMesh.Tests.Grpc.EchoMethods;

namespace AgentMesh.Tests.Grpc;

/// <summary>Our client against a bare Kestrel peer that sends exactly the headers, frames and trailers a case needs.</summary>
public sealed class ClientWireTests
{
    [Fact]
    public async Task Request_carries_the_protocol_headers()
    {
        var seen = new ConcurrentQueue<IHeaderDictionary>();
        await using var server = await RawHttp2Server.StartAsync(http =>
        {
            seen.Enqueue(new HeaderDictionary(http.Request.Headers.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase)));
            return ReplyAsync(http, new EchoReply());
        });
        using var channel = GrpcChannel.ForAddress(server.Address);
        var metadata = new Metadata { { "x-trace-bin", new byte[] { 0, 1, 2, 250 } } };

        await channel.UnaryAsync(Unary, new EchoRequest(), new CallOptions(metadata)).WaitAsync(WaitLimit);
        await channel.UnaryAsync(Unary, new EchoRequest(), new CallOptions(CompressionEncoding: "gzip")).WaitAsync(WaitLimit);

        var plain = seen.First();
        Assert.Equal("trailers", plain["te"].ToString());
        Assert.Equal("application/grpc", plain.ContentType.ToString());
        Assert.Equal("identity,gzip", plain["grpc-accept-encoding"].ToString());
        Assert.StartsWith("grpc-agentmesh-dotnet/", plain.UserAgent.ToString());
        Assert.Equal("AAEC+g", plain["x-trace-bin"].ToString());
        Assert.False(plain.ContainsKey("grpc-encoding"));
        Assert.Equal("gzip", seen.Last()["grpc-encoding"].ToString());
    }

    [Theory]
    [InlineData(0.05, 'n')]
    [InlineData(5, 'u')]
    [InlineData(600, 'm')]
    [InlineData(100 * 86400.0, 'S')]
    [InlineData(10 * 365 * 86400.0, 'M')]
    [InlineData(500 * 365 * 86400.0, 'H')]
    public async Task Deadline_is_sent_as_grpc_timeout_in_the_finest_unit_that_fits(double seconds, char unit)
    {
        var timeouts = new ConcurrentQueue<string>();
        await using var server = await RawHttp2Server.StartAsync(http =>
        {
            timeouts.Enqueue(http.Request.Headers["grpc-timeout"].ToString());
            return ReplyAsync(http, new EchoReply());
        });
        using var channel = GrpcChannel.ForAddress(server.Address);
        var timeout = TimeSpan.FromSeconds(seconds);

        await channel.UnaryAsync(Unary, new EchoRequest(), new CallOptions(Deadline: DateTime.UtcNow + timeout)).WaitAsync(WaitLimit);

        var header = Assert.Single(timeouts);
        Assert.Equal(unit, header[^1]);
        Assert.True(TimeoutHeader.TryParse(header, out var sent));
        Assert.InRange(sent, timeout / 2, timeout);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Response_without_grpc_status_is_INTERNAL(bool withMessage)
    {
        await using var server = await RawHttp2Server.StartAsync(async http =>
        {
            http.Response.ContentType = "application/grpc";
            if (withMessage)
            {
                await http.Response.Body.WriteAsync(GrpcFrames.Frame(new EchoReply { Message = "orphan" }));
            }
        });
        var error = await server.FailingUnaryAsync();

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Contains("grpc-status", error.Status.Detail);
    }

    [Theory]
    [InlineData(400, StatusCode.Internal)]
    [InlineData(401, StatusCode.Unauthenticated)]
    [InlineData(403, StatusCode.PermissionDenied)]
    [InlineData(404, StatusCode.Unimplemented)]
    [InlineData(429, StatusCode.Unavailable)]
    [InlineData(502, StatusCode.Unavailable)]
    [InlineData(503, StatusCode.Unavailable)]
    [InlineData(504, StatusCode.Unavailable)]
    [InlineData(500, StatusCode.Unknown)]
    public async Task Non_200_HTTP_status_without_grpc_status_maps_to_its_code(int httpStatus, StatusCode expected)
    {
        await using var server = await RawHttp2Server.StartAsync(http =>
        {
            http.Response.StatusCode = httpStatus;
            http.Response.ContentType = "text/plain";
            return http.Response.WriteAsync("proxy says no");
        });
        var error = await server.FailingUnaryAsync();

        Assert.Equal(expected, error.StatusCode);
        Assert.Contains(httpStatus.ToString(), error.Status.Detail);
    }

    [Fact]
    public async Task A_grpc_status_wins_over_the_HTTP_status()
    {
        await using var server = await RawHttp2Server.StartAsync(http =>
        {
            http.Response.StatusCode = 503;
            http.Response.ContentType = "application/grpc";
            http.Response.Headers["grpc-status"] = "9";
            http.Response.Headers["grpc-message"] = "not now";
            return Task.CompletedTask;
        });
        var error = await server.FailingUnaryAsync();

        Assert.Equal(new Status(StatusCode.FailedPrecondition, "not now"), error.Status);
    }

    [Fact]
    public async Task Non_grpc_content_type_is_INTERNAL()
    {
        await using var server = await RawHttp2Server.StartAsync(http =>
        {
            http.Response.ContentType = "text/html";
            return http.Response.WriteAsync("<html></html>");
        });
        var error = await server.FailingUnaryAsync();

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Contains("text/html", error.Status.Detail);
    }

    [Fact]
    public async Task Malformed_grpc_message_is_decoded_leniently()
    {
        await using var server = await RawHttp2Server.StartAsync(http => TrailersOnlyAsync(http, "5", "bad %zz %E2%82 100%"));
        var error = await server.FailingUnaryAsync();

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.StartsWith("bad %zz ", error.Status.Detail);
        Assert.EndsWith(" 100%", error.Status.Detail);
    }

    [Fact]
    public async Task Binary_metadata_padded_unpadded_and_comma_joined_is_read_from_headers_and_trailers()
    {
        await using var server = await RawHttp2Server.StartAsync(async http =>
        {
            http.Response.Headers["x-head-bin"] = "AAEC, AQI=";
            await ReplyAsync(http, new EchoReply(), trailers: new() { ["x-tail-bin"] = "AAEC/w,AAEC/w==" });
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        using var call = channel.Unary(Unary, new EchoRequest());
        await call.ResponseAsync.WaitAsync(WaitLimit);
        var headers = await call.ResponseHeadersAsync;

        Assert.Equal(new[] { new byte[] { 0, 1, 2 }, new byte[] { 1, 2 } }, Values(headers, "x-head-bin"));
        Assert.Equal(new[] { new byte[] { 0, 1, 2, 255 }, new byte[] { 0, 1, 2, 255 } }, Values(call.GetTrailers(), "x-tail-bin"));
    }

    [Fact]
    public async Task Response_messages_split_across_and_packed_into_DATA_frames_are_read()
    {
        var body = Enumerable.Range(0, 3).SelectMany(i => GrpcFrames.Frame(new EchoReply { Index = i, Message = new string('m', 50) })).ToArray();
        await using var server = await RawHttp2Server.StartAsync(async http =>
        {
            http.Response.ContentType = "application/grpc";
            await http.Response.Body.WriteAsync(body.AsMemory(0, 3)); // a header split across frames
            await http.Response.Body.FlushAsync();
            await http.Response.Body.WriteAsync(body.AsMemory(3, 60)); // the rest of message 0, part of message 1
            await http.Response.Body.FlushAsync();
            await http.Response.Body.WriteAsync(body.AsMemory(63)); // the end of 1 and all of 2 in one frame
            AppendStatus(http, "0");
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        using var call = channel.ServerStreaming(ServerStream, new EchoRequest());
        var indexes = new List<int>();
        while (await call.ResponseStream.MoveNext().WaitAsync(WaitLimit))
        {
            indexes.Add(call.ResponseStream.Current.Index);
        }

        Assert.Equal(new[] { 0, 1, 2 }, indexes);
    }

    [Theory]
    [InlineData(null, "without grpc-encoding")]
    [InlineData("identity", "without grpc-encoding")]
    [InlineData("br", "identity,gzip")]
    public async Task Compressed_response_the_client_cannot_decode_is_INTERNAL(string? encoding, string detail)
    {
        await using var server = await RawHttp2Server.StartAsync(http =>
        {
            if (encoding is not null)
            {
                http.Response.Headers["grpc-encoding"] = encoding;
            }

            return ReplyAsync(http, GrpcFrames.GzipFrame(new EchoReply { Message = "x" }));
        });
        var error = await server.FailingUnaryAsync();

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Contains(detail, error.Status.Detail);
    }

    [Fact]
    public async Task Compressed_response_over_the_limit_once_inflated_is_RESOURCE_EXHAUSTED()
    {
        var bomb = GrpcFrames.GzipFrame(new EchoReply { Payload = Google.Protobuf.ByteString.CopyFrom(new byte[1024 * 1024]) });
        await using var server = await RawHttp2Server.StartAsync(http =>
        {
            http.Response.Headers["grpc-encoding"] = "gzip";
            return ReplyAsync(http, bomb);
        });
        var error = await server.FailingUnaryAsync(new GrpcChannelOptions { MaxReceiveMessageSize = 64 * 1024 });

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("65536", error.Status.Detail);
    }

    private static Task ReplyAsync(HttpContext http, EchoReply reply, Dictionary<string, string>? trailers = null)
        => ReplyAsync(http, GrpcFrames.Frame(reply), trailers);

    private static async Task ReplyAsync(HttpContext http, byte[] frame, Dictionary<string, string>? trailers = null)
    {
        http.Response.ContentType = "application/grpc";
        await http.Response.Body.WriteAsync(frame);
        AppendStatus(http, "0");
        foreach (var (name, value) in trailers ?? new())
        {
            http.Response.AppendTrailer(name, value);
        }
    }

    private static Task TrailersOnlyAsync(HttpContext http, string status, string message)
    {
        http.Response.ContentType = "application/grpc";
        http.Response.Headers["grpc-status"] = status;
        http.Response.Headers["grpc-message"] = message;
        return Task.CompletedTask;
    }

    private static void AppendStatus(HttpContext http, string status) => http.Response.AppendTrailer("grpc-status", status);

    private static IEnumerable<byte[]> Values(Metadata metadata, string key)
        => metadata.Where(e => e.Key == key).Select(e => e.ValueBytes!);
}
