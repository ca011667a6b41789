using AgentMesh.Grpc.Internal.Wire;

namespace AgentMesh.Grpc.Client;

/// <summary>Options of a <see cref="GrpcChannel"/>.</summary>
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
    /// multiple HTTP/2 connections enabled and disposes it with the channel; a supplied handler is
    /// not disposed by the channel.
    /// </summary>
    public HttpMessageHandler? HttpHandler { get; set; }
}
