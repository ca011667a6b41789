using System.Net;
using AgentMesh.Grpc.Internal.Client;
using Google.Protobuf;

namespace AgentMesh.Grpc.Client;

/// <summary>
/// A client connection to one gRPC server address (<c>http://host:port</c> for HTTP/2 cleartext
/// with prior knowledge, <c>https://</c> for TLS). Thread-safe; reuse one per address: calls share
/// pooled HTTP/2 connections (more are opened when one reaches its stream limit).
/// </summary>
public sealed class GrpcChannel : IDisposable
{
    private GrpcChannel(Uri address, GrpcChannelOptions options)
    {
        if (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"gRPC address '{address}' must start with http:// or https://.", nameof(address));
        }

        Address = address;
        Options = options;
        var handler = options.HttpHandler ?? new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        HttpClient = new HttpClient(handler, disposeHandler: options.HttpHandler is null)
        {
            Timeout = Timeout.InfiniteTimeSpan,
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
    }

    public Uri Address { get; }

    public GrpcChannelOptions Options { get; }

    internal HttpClient HttpClient { get; }

    internal string UserAgent { get; } =
        $"grpc-agentmesh-dotnet/{typeof(GrpcChannel).Assembly.GetName().Version?.ToString(3) ?? "1.0.0"}";

    /// <summary>Creates a channel. Throws <see cref="ArgumentException"/> for a non-http(s) address.</summary>
    public static GrpcChannel ForAddress(string address, GrpcChannelOptions? options = null)
        => new(new Uri(address), options ?? new GrpcChannelOptions());

    /// <summary>Makes a unary call. Throws <see cref="RpcException"/> when the call ends with a non-OK status.</summary>
    public async Task<TResponse> UnaryAsync<TRequest, TResponse>(
        Method<TRequest, TResponse> method, TRequest request, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(request);
        using var call = new ClientCall<TRequest, TResponse>(this, method, options);
        call.Start(request);
        return await call.ReadSingleMessageAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Starts a server-streaming call; read <see cref="AsyncServerStreamingCall{TResponse}.ResponseStream"/> to the end.</summary>
    public AsyncServerStreamingCall<TResponse> ServerStreaming<TRequest, TResponse>(
        Method<TRequest, TResponse> method, TRequest request, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(request);
        var call = new ClientCall<TRequest, TResponse>(this, method, options);
        call.Start(request);
        return new AsyncServerStreamingCall<TResponse>(call);
    }

    /// <summary>Starts a client-streaming call: write requests, complete the request stream, await the response.</summary>
    public AsyncClientStreamingCall<TRequest, TResponse> ClientStreaming<TRequest, TResponse>(
        Method<TRequest, TResponse> method, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var call = new ClientCall<TRequest, TResponse>(this, method, options);
        call.StartStreaming();
        return new AsyncClientStreamingCall<TRequest, TResponse>(call, new RequestStreamWriter<TRequest, TResponse>(call));
    }

    /// <summary>Starts a bidirectional streaming call.</summary>
    public AsyncDuplexStreamingCall<TRequest, TResponse> DuplexStreaming<TRequest, TResponse>(
        Method<TRequest, TResponse> method, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var call = new ClientCall<TRequest, TResponse>(this, method, options);
        call.StartStreaming();
        return new AsyncDuplexStreamingCall<TRequest, TResponse>(call, new RequestStreamWriter<TRequest, TResponse>(call));
    }

    /// <summary>Closes the pooled connections (unless <see cref="GrpcChannelOptions.HttpHandler"/> was supplied).</summary>
    public void Dispose() => HttpClient.Dispose();
}
