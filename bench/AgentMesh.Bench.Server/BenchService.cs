using System.Collections.Concurrent;
using AgentMesh.Bench.Protos;
using AgentMesh.Grpc;
using Google.Protobuf;

namespace AgentMesh.Bench.Server;

/// <summary>The benchmark service on AgentMesh: constant replies, like every other server in bench/.</summary>
public sealed class BenchService
{
    private static readonly Task<Empty> EmptyReply = Task.FromResult(new Empty());
    private readonly ConcurrentDictionary<int, Chunk> _chunks = new();

    public static Google.Protobuf.Reflection.ServiceDescriptor Descriptor => BenchReflection.Descriptor.Services[0];

    public Task<Empty> Call(Empty request, ServerCallContext context) => EmptyReply;

    public async Task Stream(StreamRequest request, IServerStreamWriter<Chunk> responseStream, ServerCallContext context)
    {
        var chunk = _chunks.GetOrAdd(request.PayloadSize, size => new Chunk { Payload = ByteString.CopyFrom(new byte[size]) });
        for (var i = 0; i < request.Count; i++)
        {
            await responseStream.WriteAsync(chunk);
        }
    }
}
