namespace AgentMesh.Grpc;

/// <summary>
/// A call ended with a non-OK status. Thrown by clients when a call fails, and by server handlers
/// to end a call with a specific status (its detail is sent to the client as-is).
/// </summary>
public class RpcException : Exception
{
    public RpcException(Status status, Metadata? trailers = null) : this(status, trailers, null) { }

    public RpcException(StatusCode code, string detail) : this(new Status(code, detail)) { }

    /// <summary>A status caused by <paramref name="innerException"/> (e.g. the handler exception a server mapped to UNKNOWN).</summary>
    public RpcException(Status status, Metadata? trailers, Exception? innerException)
        : base($"{status.StatusCode}: {status.Detail}", innerException)
    {
        Status = status;
        Trailers = trailers ?? new Metadata();
    }

    public Status Status { get; }

    public StatusCode StatusCode => Status.StatusCode;

    /// <summary>Trailing metadata sent with (server) or received with (client) the status.</summary>
    public Metadata Trailers { get; }
}
