using Google.Protobuf;

namespace AgentMesh.Grpc.Client;

/// <summary>
/// A client connection to one gRPC server address (<c>http://host:port</c> for HTTP/2 cleartext
/// with prior knowledge, <c>https://</c> for TLS). Thread-safe; reuse one per address.
/// </summary>
public sealed class GrpcChannel : IDisposable
{
    private GrpcChannel(Uri address, GrpcChannelOptions options)
    {
        Address = address;
        Options = options;
    }

    public Uri Address { get; }

    public GrpcChannelOptions Options { get; }

    /// <summary>Creates a channel. Throws <see cref="ArgumentException"/> for a non-http(s) address.</summary>
    public static GrpcChannel ForAddress(string address, GrpcChannelOptions? options = null)
        => new(new Uri(address), options ?? new GrpcChannelOptions());

    /// <summary>Makes a unary call. Throws <see cref="RpcException"/> when the call ends with a non-OK status.</summary>
    public Task<TResponse> UnaryAsync<TRequest, TResponse>(
        Method<TRequest, TResponse> method, TRequest request, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
        => throw new NotImplementedException();

    /// <summary>Starts a server-streaming call; read <see cref="AsyncServerStreamingCall{TResponse}.ResponseStream"/> to the end.</summary>
    public AsyncServerStreamingCall<TResponse> ServerStreaming<TRequest, TResponse>(
        Method<TRequest, TResponse> method, TRequest request, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
        => throw new NotImplementedException();

    public void Dispose()
    {
    }
}
