namespace AgentMesh.Grpc;

/// <summary>What a server handler knows about its call: deadline, cancellation, metadata, compression.</summary>
public abstract class ServerCallContext
{
    /// <summary>The full method path, e.g. <c>/agentmesh.v1.Orchestrator/StartRun</c>.</summary>
    public abstract string Method { get; }

    /// <summary>The remote peer, e.g. <c>ipv4:127.0.0.1:50312</c>.</summary>
    public abstract string Peer { get; }

    /// <summary>When the call times out (UTC), from <c>grpc-timeout</c>; <see cref="DateTime.MaxValue"/> when none.</summary>
    public abstract DateTime Deadline { get; }

    /// <summary>Cancelled when the client cancels, the deadline passes, or the server is shutting down and its drain timeout (<c>GrpcServerOptions.ShutdownDrainTimeout</c>) has elapsed.</summary>
    public abstract CancellationToken CancellationToken { get; }

    /// <summary>Request headers (custom metadata; reserved HTTP/2 and grpc- headers removed).</summary>
    public abstract Metadata RequestHeaders { get; }

    /// <summary>Trailers sent with the status when the call ends.</summary>
    public abstract Metadata ResponseTrailers { get; }

    /// <summary>
    /// Encoding of the response messages: <c>"gzip"</c> compresses them when the client's
    /// <c>grpc-accept-encoding</c> lists gzip (they go uncompressed otherwise); null or <c>"identity"</c>
    /// sends them uncompressed. Starts as <c>GrpcServerOptions.ResponseCompressionEncoding</c>.
    /// Set it before the first response message or <see cref="WriteResponseHeadersAsync"/>: afterwards the
    /// setter throws <see cref="InvalidOperationException"/>; an unsupported encoding throws <see cref="ArgumentException"/>.
    /// </summary>
    public abstract string? ResponseCompressionEncoding { get; set; }

    /// <summary>
    /// Write options of the following response messages: the response of unary and client-streaming
    /// calls, and the messages of the call's <see cref="IServerStreamWriter{T}"/> (same value as its
    /// <c>WriteOptions</c>). Null means none.
    /// </summary>
    public abstract WriteOptions? WriteOptions { get; set; }

    /// <summary>Whether the last request message read had its compressed flag set (false before any message).</summary>
    public abstract bool RequestMessageCompressed { get; }

    /// <summary>Sends response headers now; at most once, before the first message.</summary>
    public abstract Task WriteResponseHeadersAsync(Metadata responseHeaders);
}
