using AgentMesh.Grpc.Interceptors;
using AgentMesh.Grpc.Internal.Wire;

namespace AgentMesh.Grpc.Server;

/// <summary>Options of the gRPC server.</summary>
public sealed class GrpcServerOptions
{
    private string? _responseCompressionEncoding;

    /// <summary>Largest request message accepted, in bytes (after decompression). Default 4 MiB; null means unlimited.</summary>
    public int? MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Send exception messages of handlers to clients (UNKNOWN otherwise carries a generic message). Default false.</summary>
    public bool EnableDetailedErrors { get; set; }

    /// <summary>Interceptors around every handler, outermost first. Default empty.</summary>
    public ServerInterceptorCollection Interceptors { get; } = new();

    /// <summary>
    /// Default <see cref="ServerCallContext.ResponseCompressionEncoding"/> of every call: <c>"gzip"</c> compresses
    /// response messages for clients whose <c>grpc-accept-encoding</c> lists gzip. Default null: uncompressed
    /// (as <c>"identity"</c>). Throws <see cref="ArgumentException"/> for any other encoding.
    /// </summary>
    public string? ResponseCompressionEncoding
    {
        get => _responseCompressionEncoding;
        set => _responseCompressionEncoding = MessageCompression.Normalize(value, nameof(ResponseCompressionEncoding));
    }

    /// <summary>
    /// How long calls in flight may run once the host begins stopping (graceful shutdown). From
    /// <c>ApplicationStopping</c> on, new calls get UNAVAILABLE and Kestrel sends GOAWAY; when this
    /// bound elapses, the cancellation token of every remaining call fires and the call ends with
    /// UNAVAILABLE. Default 10 s; zero cancels at once; <see cref="Timeout.InfiniteTimeSpan"/>
    /// waits for the calls. Keep it below the host's <c>HostOptions.ShutdownTimeout</c> (30 s by
    /// default), after which Kestrel aborts the connections still open. Checked when the first
    /// service is mapped: a negative value other than infinite, or one over 24 days, throws
    /// <see cref="InvalidOperationException"/>.
    /// </summary>
    public TimeSpan ShutdownDrainTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
