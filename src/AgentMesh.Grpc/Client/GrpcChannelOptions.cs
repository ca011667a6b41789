using AgentMesh.Grpc.Interceptors;
using AgentMesh.Grpc.Internal.Wire;

namespace AgentMesh.Grpc.Client;

/// <summary>Options of a <see cref="GrpcChannel"/>; the handler, interceptors and keepalive settings are read when the channel is created.</summary>
public sealed class GrpcChannelOptions
{
    private string? _compressionEncoding;

    /// <summary>Largest message the client accepts, in bytes (after decompression). Default 4 MiB; null means unlimited.</summary>
    public int? MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// Default <see cref="CallOptions.CompressionEncoding"/> of the channel's calls: <c>"gzip"</c> compresses request
    /// messages. Default null: uncompressed (as <c>"identity"</c>). Throws <see cref="ArgumentException"/> for any
    /// other encoding.
    /// </summary>
    public string? CompressionEncoding
    {
        get => _compressionEncoding;
        set => _compressionEncoding = MessageCompression.Normalize(value, nameof(CompressionEncoding));
    }

    /// <summary>
    /// The HTTP handler calls go through (e.g. a <see cref="SocketsHttpHandler"/> with custom TLS
    /// validation). Default null: the channel creates a <see cref="SocketsHttpHandler"/> with
    /// multiple HTTP/2 connections enabled and the keepalive settings below, and disposes it with
    /// the channel; a supplied handler is not disposed by the channel, and keepalive is then its own
    /// setting (setting <see cref="KeepAlivePingDelay"/> too is an error).
    /// </summary>
    public HttpMessageHandler? HttpHandler { get; set; }

    /// <summary>Interceptors around every call of the channel, outermost first. Default empty.</summary>
    public IList<ClientInterceptor> Interceptors { get; } = new List<ClientInterceptor>();

    /// <summary>
    /// Retries of idempotent calls (see <see cref="Client.RetryPolicy"/>). Default: a policy with
    /// its defaults (5 attempts, UNAVAILABLE only), safe because only methods whose proto marks
    /// them IDEMPOTENT or NO_SIDE_EFFECTS are retried; null turns retries off.
    /// </summary>
    public RetryPolicy? RetryPolicy { get; set; } = new();

    /// <summary>
    /// Idle time on a connection after which the client sends an HTTP/2 PING; at least 1 s.
    /// Default null: no keepalive pings (many gRPC servers close connections that ping more often
    /// than every 5 minutes without calls).
    /// </summary>
    public TimeSpan? KeepAlivePingDelay { get; set; }

    /// <summary>How long to wait for a keepalive PING's acknowledgement before closing the connection (its calls fail UNAVAILABLE); at least 1 s. Default 20 s.</summary>
    public TimeSpan KeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Also ping connections that have no call in flight. Default false: pings only while calls are active.</summary>
    public bool KeepAliveWithoutCalls { get; set; }
}
