using System.Buffers;
using AgentMesh.Bench.Protos;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;

namespace AgentMesh.Bench.Server;

/// <summary>
/// The floor of what Kestrel costs: answers the benchmark's two paths with precomputed gRPC
/// responses without reading the request: the same headers the AgentMesh server sends
/// (<c>content-type</c>, <c>grpc-accept-encoding</c>), the framed messages, trailer
/// <c>grpc-status: 0</c>. Unary buffers its message without flushing, so Kestrel sends headers, message and
/// trailers together when the handler returns (the cheapest way). Streaming writes
/// <paramref name="streamCount"/> chunks of <paramref name="payloadSize"/> bytes, one write and
/// flush per message, as a streaming gRPC server must.
/// </summary>
public sealed class BareKestrelHandler(int streamCount, int payloadSize)
{
    private readonly byte[] _emptyFrame = Frame(new Empty());
    private readonly byte[] _chunkFrame = Frame(new Chunk { Payload = ByteString.CopyFrom(new byte[payloadSize]) });

    public async Task HandleAsync(HttpContext http)
    {
        var response = http.Response;
        var path = http.Request.Path.Value;
        if (path == "/agentmesh.bench.Bench/Call")
        {
            response.ContentType = "application/grpc";
            response.Headers.GrpcAcceptEncoding = "identity,gzip";
            response.AppendTrailer("grpc-status", "0");
            response.BodyWriter.Write(_emptyFrame);
            return;
        }

        if (path == "/agentmesh.bench.Bench/Stream")
        {
            response.ContentType = "application/grpc";
            response.Headers.GrpcAcceptEncoding = "identity,gzip";
            response.AppendTrailer("grpc-status", "0");
            for (var i = 0; i < streamCount; i++)
            {
                await response.BodyWriter.WriteAsync(_chunkFrame);
            }

            return;
        }

        response.StatusCode = StatusCodes.Status404NotFound;
    }

    private static byte[] Frame(IMessage message)
    {
        var body = message.ToByteArray();
        var frame = new byte[5 + body.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1, 4), (uint)body.Length);
        body.CopyTo(frame, 5);
        return frame;
    }
}
