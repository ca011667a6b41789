using Grpc.Net.Client.Configuration;

namespace AgentMesh.InProcess;

/// <summary>
/// What an in-process client does that grpc-dotnet's channel and client factory would do for the same
/// client over HTTP/2. The server's side (message size limits) comes from the host's
/// <c>GrpcServiceOptions</c>, as for calls over the network.
/// </summary>
public sealed record InProcessCallSettings
{
    /// <summary>
    /// The gRPC service config the channel would be given; its retry policies are applied as grpc-dotnet
    /// applies them (gRPC A6: attempts, exponential backoff with jitter, retryable status codes; a server
    /// stream is retried only until its first response). Hedging is not supported. Default null: no retries.
    /// </summary>
    public ServiceConfig? ServiceConfig { get; init; }

    /// <summary>
    /// Whether a call made while handling another gRPC call inherits that call's deadline and
    /// cancellation, as grpc-dotnet's <c>EnableCallContextPropagation</c> does. Default false.
    /// </summary>
    public bool PropagateCallContext { get; init; }

    /// <summary>Largest response the client accepts, in bytes (RESOURCE_EXHAUSTED above it); null for no limit. Default 4 MiB, grpc-dotnet's.</summary>
    public int? MaxReceiveMessageSize { get; init; } = 4 * 1024 * 1024;

    /// <summary>Largest request the client sends, in bytes (RESOURCE_EXHAUSTED above it); null for no limit (grpc-dotnet's default).</summary>
    public int? MaxSendMessageSize { get; init; }

    /// <summary>
    /// Whether calls started after the host began stopping fail with UNAVAILABLE, as calls to a server that
    /// has stopped listening do; calls already running go on. Default false.
    /// </summary>
    public bool RefuseWhenStopping { get; init; }
}
