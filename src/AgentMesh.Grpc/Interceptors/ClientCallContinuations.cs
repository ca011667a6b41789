using AgentMesh.Grpc.Client;
using Google.Protobuf;

namespace AgentMesh.Grpc.Interceptors;

/// <summary>Starts the unary call: the next client interceptor, innermost the channel.</summary>
public delegate AsyncUnaryCall<TResponse> UnaryCallContinuation<TRequest, TResponse>(
    TRequest request, ClientInterceptorContext<TRequest, TResponse> context)
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new();

/// <summary>Starts the server-streaming call: the next client interceptor, innermost the channel.</summary>
public delegate AsyncServerStreamingCall<TResponse> ServerStreamingCallContinuation<TRequest, TResponse>(
    TRequest request, ClientInterceptorContext<TRequest, TResponse> context)
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new();

/// <summary>Starts the client-streaming call: the next client interceptor, innermost the channel.</summary>
public delegate AsyncClientStreamingCall<TRequest, TResponse> ClientStreamingCallContinuation<TRequest, TResponse>(
    ClientInterceptorContext<TRequest, TResponse> context)
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new();

/// <summary>Starts the bidirectional streaming call: the next client interceptor, innermost the channel.</summary>
public delegate AsyncDuplexStreamingCall<TRequest, TResponse> DuplexStreamingCallContinuation<TRequest, TResponse>(
    ClientInterceptorContext<TRequest, TResponse> context)
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new();
