namespace AgentMesh.Grpc;

/// <summary>Writes messages of a server-streaming or duplex call. Writes must not overlap.</summary>
public interface IServerStreamWriter<in T>
{
    /// <summary>Sends one message. Throws <see cref="OperationCanceledException"/> when the call is cancelled.</summary>
    Task WriteAsync(T message, CancellationToken cancellationToken = default);
}
