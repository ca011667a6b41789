namespace AgentMesh.Grpc;

/// <summary>What a server handler knows about its call: deadline, cancellation, metadata.</summary>
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

    /// <summary>Sends response headers now; at most once, before the first message.</summary>
    public abstract Task WriteResponseHeadersAsync(Metadata responseHeaders);
}
