using Google.Protobuf;

namespace AgentMesh.Grpc.Interceptors;

/// <summary>
/// What a client interceptor knows about a call it intercepts: the method and the call options.
/// Pass a changed copy to the continuation to change the call, e.g.
/// <c>context with { Options = context.Options with { Headers = headers } }</c>.
/// </summary>
/// <param name="Method">The method called.</param>
/// <param name="Options">The options of the call (metadata, deadline, cancellation).</param>
public readonly record struct ClientInterceptorContext<TRequest, TResponse>(Method<TRequest, TResponse> Method, CallOptions Options)
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new();
