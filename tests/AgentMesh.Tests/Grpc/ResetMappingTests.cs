using AgentMesh.Grpc;
using AgentMesh.Grpc.Client;
using AgentMesh.Tests.Grpc.Protos;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Xunit;
using static AgentMesh.Tests.Grpc.EchoMethods;

namespace AgentMesh.Tests.Grpc;

/// <summary>A server that resets the HTTP/2 stream: the client maps the RST_STREAM error code as PROTOCOL-HTTP2.md says.</summary>
public sealed class ResetMappingTests
{
    [Theory]
    [InlineData(0x8, StatusCode.Cancelled, "CANCEL")]
    [InlineData(0x7, StatusCode.Unavailable, "REFUSED_STREAM")]
    [InlineData(0xb, StatusCode.ResourceExhausted, "too many requests")]
    [InlineData(0xc, StatusCode.PermissionDenied, "INADEQUATE_SECURITY")]
    [InlineData(0x2, StatusCode.Internal, "INTERNAL_ERROR")]
    [InlineData(0x1, StatusCode.Internal, "PROTOCOL_ERROR")]
    [InlineData(0x0, StatusCode.Internal, "NO_ERROR")]
    public async Task Reset_after_a_message_maps_to_its_status(int code, StatusCode expected, string detail)
    {
        await using var server = await RawHttp2Server.StartAsync(async http =>
        {
            http.Response.ContentType = "application/grpc";
            await http.Response.Body.WriteAsync(GrpcFrames.Frame(new EchoReply { Message = "first" }));
            await http.Response.Body.FlushAsync();
            http.Features.GetRequiredFeature<IHttpResetFeature>().Reset(code);
        });
        using var channel = GrpcChannel.ForAddress(server.Address);
        using var call = channel.ServerStreaming(ServerStream, new EchoRequest());

        // The message may or may not be read first: a reset discards what the client has not read yet.
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext().WaitAsync(WaitLimit))
            {
                Assert.Equal("first", call.ResponseStream.Current.Message);
            }
        });

        Assert.Equal(expected, error.StatusCode);
        Assert.Contains(detail, error.Status.Detail);
        Assert.Equal(expected, call.GetStatus().StatusCode);
    }

    [Theory]
    [InlineData(0x8, StatusCode.Cancelled)]
    [InlineData(0x7, StatusCode.Unavailable)]
    [InlineData(0xb, StatusCode.ResourceExhausted)]
    [InlineData(0x2, StatusCode.Internal)]
    public async Task Reset_before_the_response_headers_maps_to_its_status(int code, StatusCode expected)
    {
        await using var server = await RawHttp2Server.StartAsync(http =>
        {
            http.Features.GetRequiredFeature<IHttpResetFeature>().Reset(code);
            return Task.CompletedTask;
        });
        var error = await server.FailingUnaryAsync();

        Assert.Equal(expected, error.StatusCode);
    }

    [Fact]
    public async Task Aborted_request_is_INTERNAL_like_Kestrel_s_INTERNAL_ERROR_reset()
    {
        await using var server = await RawHttp2Server.StartAsync(async http =>
        {
            http.Response.ContentType = "application/grpc";
            await http.Response.Body.FlushAsync();
            http.Abort();
        });
        var error = await server.FailingUnaryAsync();

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Contains("INTERNAL_ERROR", error.Status.Detail);
    }
}
