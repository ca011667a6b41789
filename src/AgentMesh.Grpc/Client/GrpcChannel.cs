using System.Net;
using AgentMesh.Grpc.Interceptors;
using AgentMesh.Grpc.Internal.Client;
using Google.Protobuf;

namespace AgentMesh.Grpc.Client;

/// <summary>
/// A client connection to one gRPC server address (<c>http://host:port</c> for HTTP/2 cleartext
/// with prior knowledge, <c>https://</c> for TLS). Thread-safe; reuse one per address: calls share
/// pooled HTTP/2 connections (more are opened when one reaches its stream limit). Every call goes
/// through <see cref="GrpcChannelOptions.Interceptors"/>; unary and server-streaming calls of
/// idempotent methods are retried per <see cref="GrpcChannelOptions.RetryPolicy"/>.
/// </summary>
public sealed class GrpcChannel : IDisposable
{
    private GrpcChannel(Uri address, GrpcChannelOptions options)
    {
        if (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"gRPC address '{address}' must start with http:// or https://.", nameof(address));
        }

        ChannelKeepAlive.Validate(options);
        Address = address;
        Options = options;
        Interceptors = options.Interceptors.ToArray();
        var handler = options.HttpHandler ?? new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        }.WithKeepAlive(options);
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

    /// <summary>Snapshot of <see cref="GrpcChannelOptions.Interceptors"/>, outermost first.</summary>
    internal ClientInterceptor[] Interceptors { get; }

    internal string UserAgent { get; } =
        $"grpc-agentmesh-dotnet/{typeof(GrpcChannel).Assembly.GetName().Version?.ToString(3) ?? "1.0.0"}";

    /// <summary>Creates a channel. Throws <see cref="ArgumentException"/> for a non-http(s) address or invalid keepalive settings.</summary>
    public static GrpcChannel ForAddress(string address, GrpcChannelOptions? options = null)
        => new(new Uri(address), options ?? new GrpcChannelOptions());

    /// <summary>Makes a unary call and returns its response. Throws <see cref="RpcException"/> when the call ends with a non-OK status.</summary>
    public async Task<TResponse> UnaryAsync<TRequest, TResponse>(
        Method<TRequest, TResponse> method, TRequest request, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        using var call = Unary(method, request, options);
        return await call.ResponseAsync.ConfigureAwait(false);
    }

    /// <summary>
    /// Starts a unary call whose response headers, status and trailers stay readable; dispose it when done.
    /// Throws <see cref="ArgumentException"/> when <paramref name="method"/> is not unary or the compression encoding is unsupported.
    /// </summary>
    public AsyncUnaryCall<TResponse> Unary<TRequest, TResponse>(
        Method<TRequest, TResponse> method, TRequest request, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(request);
        return Interceptors.Length == 0
            ? StartUnary(method, request, options)
            : ClientInterceptorChain<TRequest, TResponse>.For(this).Unary(request, new(method, options));
    }

    /// <summary>
    /// Starts a server-streaming call; read <see cref="AsyncServerStreamingCall{TResponse}.ResponseStream"/> to the end.
    /// Throws <see cref="ArgumentException"/> when <paramref name="method"/> is not server streaming or the compression encoding is unsupported.
    /// </summary>
    public AsyncServerStreamingCall<TResponse> ServerStreaming<TRequest, TResponse>(
        Method<TRequest, TResponse> method, TRequest request, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(request);
        return Interceptors.Length == 0
            ? StartServerStreaming(method, request, options)
            : ClientInterceptorChain<TRequest, TResponse>.For(this).ServerStreaming(request, new(method, options));
    }

    /// <summary>
    /// Starts a client-streaming call: write requests, complete the request stream, await the response.
    /// Throws <see cref="ArgumentException"/> when <paramref name="method"/> is not client streaming or the compression encoding is unsupported.
    /// </summary>
    public AsyncClientStreamingCall<TRequest, TResponse> ClientStreaming<TRequest, TResponse>(
        Method<TRequest, TResponse> method, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
        => Interceptors.Length == 0
            ? StartClientStreaming(method, options)
            : ClientInterceptorChain<TRequest, TResponse>.For(this).ClientStreaming(new(method, options));

    /// <summary>
    /// Starts a bidirectional streaming call. Throws <see cref="ArgumentException"/> when <paramref name="method"/>
    /// is not duplex streaming or the compression encoding is unsupported.
    /// </summary>
    public AsyncDuplexStreamingCall<TRequest, TResponse> DuplexStreaming<TRequest, TResponse>(
        Method<TRequest, TResponse> method, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
        => Interceptors.Length == 0
            ? StartDuplexStreaming(method, options)
            : ClientInterceptorChain<TRequest, TResponse>.For(this).DuplexStreaming(new(method, options));

    /// <summary>Closes the pooled connections (unless <see cref="GrpcChannelOptions.HttpHandler"/> was supplied).</summary>
    public void Dispose() => HttpClient.Dispose();

    /// <summary>Starts a unary call behind the interceptors.</summary>
    internal AsyncUnaryCall<TResponse> StartUnary<TRequest, TResponse>(
        Method<TRequest, TResponse> method, TRequest request, CallOptions options)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
        => new(RetryingCall<TRequest, TResponse>.Start(this, method, MethodType.Unary, request, options));

    /// <summary>Starts a server-streaming call behind the interceptors.</summary>
    internal AsyncServerStreamingCall<TResponse> StartServerStreaming<TRequest, TResponse>(
        Method<TRequest, TResponse> method, TRequest request, CallOptions options)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
        => new(RetryingCall<TRequest, TResponse>.Start(this, method, MethodType.ServerStreaming, request, options));

    /// <summary>Starts a client-streaming call behind the interceptors.</summary>
    internal AsyncClientStreamingCall<TRequest, TResponse> StartClientStreaming<TRequest, TResponse>(
        Method<TRequest, TResponse> method, CallOptions options)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var call = new ClientCall<TRequest, TResponse>(this, method, MethodType.ClientStreaming, options);
        call.StartStreaming();
        return new AsyncClientStreamingCall<TRequest, TResponse>(call, new RequestStreamWriter<TRequest, TResponse>(call, options.WriteOptions));
    }

    /// <summary>Starts a bidirectional streaming call behind the interceptors.</summary>
    internal AsyncDuplexStreamingCall<TRequest, TResponse> StartDuplexStreaming<TRequest, TResponse>(
        Method<TRequest, TResponse> method, CallOptions options)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var call = new ClientCall<TRequest, TResponse>(this, method, MethodType.DuplexStreaming, options);
        call.StartStreaming();
        return new AsyncDuplexStreamingCall<TRequest, TResponse>(call, new RequestStreamWriter<TRequest, TResponse>(call, options.WriteOptions));
    }
}
