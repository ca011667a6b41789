using Google.Protobuf;

namespace AgentMesh.Grpc.Internal.Server;

/// <summary>The response messages of a server-streaming or duplex call; each write is flushed unless buffered.</summary>
internal sealed class ResponseStreamWriter<T>(ServerCall call) : IServerStreamWriter<T>
    where T : class, IMessage<T>
{
    public WriteOptions? WriteOptions
    {
        get => call.WriteOptions;
        set => call.WriteOptions = value;
    }

    public Task WriteAsync(T message, CancellationToken cancellationToken = default)
        => call.WriteMessageAsync(message, cancellationToken);
}
