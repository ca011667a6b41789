using AgentMesh.Grpc.Client;
using Google.Protobuf;

namespace AgentMesh.Grpc.Interceptors;

/// <summary>
/// Code that runs around every call of a <see cref="GrpcChannel"/>: credentials, logging, metrics,
/// tracing headers. Register it with <see cref="GrpcChannelOptions.Interceptors"/>; one instance
/// serves all calls concurrently. Override the method of each call type to intercept; by default
/// each calls its continuation (the next interceptor, innermost the channel, whose retries happen
/// beneath every interceptor: an interceptor sees one call however many attempts it takes).
/// <para>
/// An interceptor can change the call options (metadata, deadline, cancellation) by passing a
/// changed <see cref="ClientInterceptorContext{TRequest, TResponse}"/>, pass on another request,
/// reject the call by throwing <see cref="RpcException"/> without calling the continuation (the
/// channel method that starts the call throws it), and observe or replace responses and the final
/// status through the <c>With</c> methods of the call objects: e.g. a unary response task that
/// awaits <see cref="AsyncUnaryCall{TResponse}.ResponseAsync"/> (an <see cref="RpcException"/>
/// carries a failed call's status), or a response stream whose <c>MoveNext</c> sees the end of
/// the call (false for OK, <see cref="RpcException"/> otherwise).
/// </para>
/// </summary>
public abstract class ClientInterceptor
{
    /// <summary>Intercepts the start of a unary call (<see cref="GrpcChannel.Unary"/> and <see cref="GrpcChannel.UnaryAsync"/>).</summary>
    public virtual AsyncUnaryCall<TResponse> UnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, UnaryCallContinuation<TRequest, TResponse> continuation)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
        => continuation(request, context);

    /// <summary>Intercepts the start of a server-streaming call.</summary>
    public virtual AsyncServerStreamingCall<TResponse> ServerStreamingCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, ServerStreamingCallContinuation<TRequest, TResponse> continuation)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
        => continuation(request, context);

    /// <summary>Intercepts the start of a client-streaming call.</summary>
    public virtual AsyncClientStreamingCall<TRequest, TResponse> ClientStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, ClientStreamingCallContinuation<TRequest, TResponse> continuation)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
        => continuation(context);

    /// <summary>Intercepts the start of a bidirectional streaming call.</summary>
    public virtual AsyncDuplexStreamingCall<TRequest, TResponse> DuplexStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, DuplexStreamingCallContinuation<TRequest, TResponse> continuation)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
        => continuation(context);
}
