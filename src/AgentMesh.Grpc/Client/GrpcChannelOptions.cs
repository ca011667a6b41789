namespace AgentMesh.Grpc.Client;

/// <summary>Options of a <see cref="GrpcChannel"/>.</summary>
public sealed class GrpcChannelOptions
{
    /// <summary>Largest message the client accepts, in bytes. Default 4 MiB; null means unlimited.</summary>
    public int? MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// The HTTP handler calls go through (e.g. a <see cref="SocketsHttpHandler"/> with custom TLS
    /// validation). Default null: the channel creates a <see cref="SocketsHttpHandler"/> with
    /// multiple HTTP/2 connections enabled and disposes it with the channel; a supplied handler is
    /// not disposed by the channel.
    /// </summary>
    public HttpMessageHandler? HttpHandler { get; set; }
}
