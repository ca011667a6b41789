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
        => Chain<UnaryServerMethod<TRequest, TResponse>>(
            Handler(invoke, interceptors).Invoke, interceptors,
            static (interceptor, inner) => (request, context) => interceptor.UnaryHandler(request, context, inner));

    public static ClientStreamingServerMethod<TRequest, TResponse> ClientStreaming<TService, TRequest, TResponse>(
        Func<TService, IAsyncStreamReader<TRequest>, ServerCallContext, Task<TResponse>> invoke, IReadOnlyList<ServerInterceptor> interceptors)
        where TService : class
        where TRequest : class
        where TResponse : class
        => Chain<ClientStreamingServerMethod<TRequest, TResponse>>(
            Handler(invoke, interceptors).Invoke, interceptors,
            static (interceptor, inner) => (requestStream, context) => interceptor.ClientStreamingHandler(requestStream, context, inner));

    public static ServerStreamingServerMethod<TRequest, TResponse> ServerStreaming<TService, TRequest, TResponse>(
        Func<TService, TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task> invoke, IReadOnlyList<ServerInterceptor> interceptors)
        where TService : class
        where TRequest : class
        where TResponse : class
        => Chain<ServerStreamingServerMethod<TRequest, TResponse>>(
            Handler(invoke, interceptors).Invoke, interceptors,
            static (interceptor, inner) => (request, responseStream, context) => interceptor.ServerStreamingHandler(request, responseStream, context, inner));

    public static DuplexStreamingServerMethod<TRequest, TResponse> DuplexStreaming<TService, TRequest, TResponse>(
        Func<TService, IAsyncStreamReader<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task> invoke,
        IReadOnlyList<ServerInterceptor> interceptors)
        where TService : class
        where TRequest : class
        where TResponse : class
        => Chain<DuplexStreamingServerMethod<TRequest, TResponse>>(
            Handler(invoke, interceptors).Invoke, interceptors,
            static (interceptor, inner) => (requestStream, responseStream, context) =>
                interceptor.DuplexStreamingHandler(requestStream, responseStream, context, inner));

    /// <summary>Wraps <paramref name="handler"/> in the interceptors, the last one innermost.</summary>
    private static TMethod Chain<TMethod>(TMethod handler, IReadOnlyList<ServerInterceptor> interceptors, Func<ServerInterceptor, TMethod, TMethod> wrap)
    {
        for (var i = interceptors.Count - 1; i >= 0; i--)
        {
            handler = wrap(interceptors[i], handler);
        }

        return handler;
    }

    /// <summary>The handler of a single-response method on the context's service instance; observed when there are interceptors.</summary>
    private static Func<TInput, ServerCallContext, Task<TResponse>> Handler<TService, TInput, TResponse>(
        Func<TService, TInput, ServerCallContext, Task<TResponse>> invoke, IReadOnlyList<ServerInterceptor> interceptors)
        where TService : class
    {
        if (interceptors.Count == 0)
        {
            return (input, context) => invoke(ServiceOf<TService>(context), input, context);
        }

        return async (input, context) =>
        {
            var call = CallOf(context);
            try
            {
                var response = await invoke(ServiceOf<TService>(context), input, context).ConfigureAwait(false);
                ThrowIfDeadlineExceeded(call);
                return response;
            }
            catch (Exception exception) when (Mapped(call, exception) is { } status)
            {
                throw status;
            }
        };
    }

    /// <summary>The handler of a streaming-response method on the context's service instance; observed when there are interceptors.</summary>
    private static Func<TInput, IServerStreamWriter<TResponse>, ServerCallContext, Task> Handler<TService, TInput, TResponse>(
        Func<TService, TInput, IServerStreamWriter<TResponse>, ServerCallContext, Task> invoke, IReadOnlyList<ServerInterceptor> interceptors)
        where TService : class
    {
        if (interceptors.Count == 0)
        {
            return (input, responseStream, context) => invoke(ServiceOf<TService>(context), input, responseStream, context);
        }

        return async (input, responseStream, context) =>
        {
            var call = CallOf(context);
            try
            {
                await invoke(ServiceOf<TService>(context), input, responseStream, context).ConfigureAwait(false);
                ThrowIfDeadlineExceeded(call);
            }
            catch (Exception exception) when (Mapped(call, exception) is { } status)
            {
                throw status;
            }
        };
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
