using AgentMesh.Grpc.Client;

namespace AgentMesh.Grpc.Internal.Client;

/// <summary>Maps the keepalive settings of <see cref="GrpcChannelOptions"/> onto the channel's <see cref="SocketsHttpHandler"/>.</summary>
internal static class ChannelKeepAlive
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the setting when the keepalive settings cannot apply.</summary>
    public static void Validate(GrpcChannelOptions options)
    {
        if (options.KeepAlivePingDelay is not { } delay)
        {
            return;
        }

        if (options.HttpHandler is not null)
        {
            throw new ArgumentException(
                "GrpcChannelOptions.KeepAlivePingDelay applies to the handler the channel creates; with GrpcChannelOptions.HttpHandler set, configure keepalive on that handler.",
                nameof(options));
        }

        if (delay < TimeSpan.FromSeconds(1) || options.KeepAlivePingTimeout < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentException(
                $"GrpcChannelOptions.KeepAlivePingDelay ({delay}) and KeepAlivePingTimeout ({options.KeepAlivePingTimeout}) must be at least 1 second.",
                nameof(options));
        }
    }

    /// <summary>Sets the HTTP/2 PING delay, timeout and policy on <paramref name="handler"/> when keepalive is on.</summary>
    public static SocketsHttpHandler WithKeepAlive(this SocketsHttpHandler handler, GrpcChannelOptions options)
    {
        if (options.KeepAlivePingDelay is { } delay)
        {
            handler.KeepAlivePingDelay = delay;
            handler.KeepAlivePingTimeout = options.KeepAlivePingTimeout;
            handler.KeepAlivePingPolicy = options.KeepAliveWithoutCalls ? HttpKeepAlivePingPolicy.Always : HttpKeepAlivePingPolicy.WithActiveRequests;
        }

        return handler;
    }
}
