using AgentMesh.Grpc.Interceptors;

namespace AgentMesh.Grpc.Internal.Server;

/// <summary>
/// Builds, once per method at bind time, the delegate a call runs: the handler behind the server
/// interceptors (outermost first). Nothing is allocated per call: the service instance travels on
/// the call's context (<see cref="HttpServerCallContext.Service"/>). Behind interceptors the
/// handler's outcome is mapped to the status the call ends with, so they observe it.
/// </summary>
internal static class ServerInterceptorChain
{
    public static UnaryServerMethod<TRequest, TResponse> Unary<TService, TRequest, TResponse>(
        Func<TService, TRequest, ServerCallContext, Task<TResponse>> invoke, IReadOnlyList<ServerInterceptor> interceptors)
        where TService : class
        where TRequest : class
        where TResponse : class
    {
        UnaryServerMethod<TRequest, TResponse> next = interceptors.Count == 0
            ? (request, context) => invoke(ServiceOf<TService>(context), request, context)
            : async (request, context) =>
            {
                var call = CallOf(context);
                try
                {
                    var response = await invoke(ServiceOf<TService>(context), request, context).ConfigureAwait(false);
                    ThrowIfDeadlineExceeded(call);
                    return response;
                }
                catch (Exception exception) when (Mapped(call, exception) is { } status)
                {
                    throw status;
                }
            };
        for (var i = interceptors.Count - 1; i >= 0; i--)
        {
            var (interceptor, inner) = (interceptors[i], next);
            next = (request, context) => interceptor.UnaryHandler(request, context, inner);
        }

        return next;
    }

    public static ClientStreamingServerMethod<TRequest, TResponse> ClientStreaming<TService, TRequest, TResponse>(
        Func<TService, IAsyncStreamReader<TRequest>, ServerCallContext, Task<TResponse>> invoke, IReadOnlyList<ServerInterceptor> interceptors)
        where TService : class
        where TRequest : class
        where TResponse : class
    {
        ClientStreamingServerMethod<TRequest, TResponse> next = interceptors.Count == 0
            ? (requestStream, context) => invoke(ServiceOf<TService>(context), requestStream, context)
            : async (requestStream, context) =>
            {
                var call = CallOf(context);
                try
                {
                    var response = await invoke(ServiceOf<TService>(context), requestStream, context).ConfigureAwait(false);
                    ThrowIfDeadlineExceeded(call);
                    return response;
                }
                catch (Exception exception) when (Mapped(call, exception) is { } status)
                {
                    throw status;
                }
            };
        for (var i = interceptors.Count - 1; i >= 0; i--)
        {
            var (interceptor, inner) = (interceptors[i], next);
            next = (requestStream, context) => interceptor.ClientStreamingHandler(requestStream, context, inner);
        }

        return next;
    }

    public static ServerStreamingServerMethod<TRequest, TResponse> ServerStreaming<TService, TRequest, TResponse>(
        Func<TService, TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task> invoke, IReadOnlyList<ServerInterceptor> interceptors)
        where TService : class
        where TRequest : class
        where TResponse : class
    {
        ServerStreamingServerMethod<TRequest, TResponse> next = interceptors.Count == 0
            ? (request, responseStream, context) => invoke(ServiceOf<TService>(context), request, responseStream, context)
            : async (request, responseStream, context) =>
            {
                var call = CallOf(context);
                try
                {
                    await invoke(ServiceOf<TService>(context), request, responseStream, context).ConfigureAwait(false);
                    ThrowIfDeadlineExceeded(call);
                }
                catch (Exception exception) when (Mapped(call, exception) is { } status)
                {
                    throw status;
                }
            };
        for (var i = interceptors.Count - 1; i >= 0; i--)
        {
            var (interceptor, inner) = (interceptors[i], next);
            next = (request, responseStream, context) => interceptor.ServerStreamingHandler(request, responseStream, context, inner);
        }

        return next;
    }

    public static DuplexStreamingServerMethod<TRequest, TResponse> DuplexStreaming<TService, TRequest, TResponse>(
        Func<TService, IAsyncStreamReader<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task> invoke,
        IReadOnlyList<ServerInterceptor> interceptors)
        where TService : class
        where TRequest : class
        where TResponse : class
    {
        DuplexStreamingServerMethod<TRequest, TResponse> next = interceptors.Count == 0
            ? (requestStream, responseStream, context) => invoke(ServiceOf<TService>(context), requestStream, responseStream, context)
            : async (requestStream, responseStream, context) =>
            {
                var call = CallOf(context);
                try
                {
                    await invoke(ServiceOf<TService>(context), requestStream, responseStream, context).ConfigureAwait(false);
                    ThrowIfDeadlineExceeded(call);
                }
                catch (Exception exception) when (Mapped(call, exception) is { } status)
                {
                    throw status;
                }
            };
        for (var i = interceptors.Count - 1; i >= 0; i--)
        {
            var (interceptor, inner) = (interceptors[i], next);
            next = (requestStream, responseStream, context) => interceptor.DuplexStreamingHandler(requestStream, responseStream, context, inner);
        }

        return next;
    }

    private static HttpServerCallContext HttpContextOf(ServerCallContext context) => context as HttpServerCallContext
        ?? throw new InvalidOperationException(
            "A server interceptor passed a ServerCallContext of its own to its continuation; pass on the context it received.");

    private static ServerCall CallOf(ServerCallContext context) => HttpContextOf(context).Call;

    private static TService ServiceOf<TService>(ServerCallContext context)
        where TService : class
        => (TService)HttpContextOf(context).Service!;

    /// <summary>A handler that returned after the deadline passed ends DEADLINE_EXCEEDED; interceptors see that status.</summary>
    private static void ThrowIfDeadlineExceeded(ServerCall call)
    {
        if (call.DeadlineExceeded)
        {
            throw call.ToRpcException(new OperationCanceledException(call.CancellationToken));
        }
    }

    /// <summary>The status exception to throw instead of <paramref name="exception"/>, or null to let it through unchanged.</summary>
    private static RpcException? Mapped(ServerCall call, Exception exception)
    {
        var mapped = call.ToRpcException(exception);
        return ReferenceEquals(mapped, exception) ? null : mapped;
    }
}
