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
}
