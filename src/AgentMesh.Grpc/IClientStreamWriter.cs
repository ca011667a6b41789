namespace AgentMesh.Grpc;

/// <summary>Writes the request messages of a client-streaming or duplex call. Writes must not overlap.</summary>
public interface IClientStreamWriter<in T>
{
    /// <summary>
    /// Write options of the following writes (e.g. <see cref="WriteFlags.NoCompress"/> sends them
    /// uncompressed in a compressed call). Starts as <see cref="CallOptions.WriteOptions"/>; null means none.
    /// </summary>
    WriteOptions? WriteOptions { get; set; }

    /// <summary>
    /// Sends one message. Throws <see cref="RpcException"/> when the call already ended with a
    /// non-OK status (or is cancelled), <see cref="InvalidOperationException"/> after <see cref="CompleteAsync"/>
    /// or once the call ended OK.
    /// </summary>
    Task WriteAsync(T message, CancellationToken cancellationToken = default);

    /// <summary>Ends the request stream (HTTP/2 END_STREAM); the server then sees the end of its reader.</summary>
    Task CompleteAsync();
}
