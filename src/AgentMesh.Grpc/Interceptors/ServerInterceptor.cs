namespace AgentMesh.Grpc.Interceptors;

/// <summary>
/// Code that runs around every handler of a gRPC server: authentication, logging, metrics.
/// Register it with <see cref="Server.GrpcServerOptions.Interceptors"/>; one instance serves all
/// calls concurrently. Override the method of each call type to intercept; by default each calls
/// its continuation (the next interceptor, innermost the handler).
/// <para>
/// An interceptor can read and add metadata through the context (<see cref="ServerCallContext.RequestHeaders"/>,
/// <see cref="ServerCallContext.WriteResponseHeadersAsync"/>, <see cref="ServerCallContext.ResponseTrailers"/>),
/// pass on another request, wrap the request or response stream, return another response, or
/// reject the call by throwing <see cref="RpcException"/> (e.g. UNAUTHENTICATED) without calling
/// the continuation. It must pass the context it received on to the continuation.
/// </para>
/// <para>
/// The final status: a continuation either completes (the call ends OK) or throws an
/// <see cref="RpcException"/> carrying the status the call ends with: handler exceptions,
/// deadline expiry and cancellation are already mapped (the handler's own exception is the
/// <see cref="Exception.InnerException"/>). A <c>try</c>/<c>catch (RpcException)</c> around the
/// continuation therefore observes every call's status. Calls rejected before any interceptor runs
/// (bad content-type, unreadable request message) are not seen.
/// </para>
/// </summary>
public abstract class ServerInterceptor
{
    /// <summary>Intercepts a unary call, after its request message was read.</summary>
    public virtual Task<TResponse> UnaryHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
        where TRequest : class
        where TResponse : class
        => continuation(request, context);

    /// <summary>Intercepts a client-streaming call.</summary>
    public virtual Task<TResponse> ClientStreamingHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
        where TRequest : class
        where TResponse : class
        => continuation(requestStream, context);

    /// <summary>Intercepts a server-streaming call, after its request message was read.</summary>
    public virtual Task ServerStreamingHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
        where TRequest : class
        where TResponse : class
        => continuation(request, responseStream, context);

    /// <summary>Intercepts a bidirectional streaming call.</summary>
    public virtual Task DuplexStreamingHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
        where TRequest : class
        where TResponse : class
        => continuation(requestStream, responseStream, context);
}
