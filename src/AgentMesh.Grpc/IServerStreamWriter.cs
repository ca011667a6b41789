namespace AgentMesh.Grpc;

/// <summary>Writes messages of a server-streaming or duplex call. Writes must not overlap.</summary>
public interface IServerStreamWriter<in T>
{
    /// <summary>
    /// Write options of the following writes (e.g. <see cref="WriteFlags.NoCompress"/> sends them
    /// uncompressed while the call compresses); the same value as <see cref="ServerCallContext.WriteOptions"/>.
    /// Null means none.
    /// </summary>
    WriteOptions? WriteOptions { get; set; }

    /// <summary>Sends one message. Throws <see cref="OperationCanceledException"/> when the call is cancelled.</summary>
    Task WriteAsync(T message, CancellationToken cancellationToken = default);
}
