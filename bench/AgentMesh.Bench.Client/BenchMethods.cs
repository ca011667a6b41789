using AgentMesh.Bench.Protos;
using AgentMesh.Grpc;

namespace AgentMesh.Bench.Client;

/// <summary>The two benchmark methods and the request every load generator sends.</summary>
internal static class BenchMethods
{
    private static readonly Google.Protobuf.Reflection.ServiceDescriptor Service = BenchReflection.Descriptor.Services[0];

    public static readonly Method<Empty, Empty> Call = Method<Empty, Empty>.Create(Service, "Call");

    public static readonly Method<StreamRequest, Chunk> Stream = Method<StreamRequest, Chunk>.Create(Service, "Stream");

    /// <summary>Reads a whole server stream; returns the number of messages. Throws <see cref="RpcException"/> for a non-OK status.</summary>
    public static async Task<int> ReadStreamAsync(AgentMesh.Grpc.Client.GrpcChannel channel, StreamRequest request)
    {
        using var call = channel.ServerStreaming(Stream, request);
        var messages = 0;
        while (await call.ResponseStream.MoveNext())
        {
            messages++;
        }

        return messages;
    }
}
