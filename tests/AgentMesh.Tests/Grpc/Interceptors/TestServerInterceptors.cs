using System.Collections.Concurrent;
using AgentMesh.Grpc;
using AgentMesh.Grpc.Interceptors;

namespace AgentMesh.Tests.Grpc.Interceptors;

/// <summary>Rejects every call whose <paramref name="header"/> is not <paramref name="expected"/> with UNAUTHENTICATED.</summary>
public sealed class HeaderAuthInterceptor(string header, string expected) : ServerInterceptor
{
    public override Task<TResponse> UnaryHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(requestStream, context);
    }

    public override Task ServerStreamingHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(request, responseStream, context);
    }

    public override Task DuplexStreamingHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(requestStream, responseStream, context);
    }

    private void Authenticate(ServerCallContext context)
    {
        if (context.RequestHeaders.GetValue(header) != expected)
        {
            throw new RpcException(StatusCode.Unauthenticated, $"The {header} header does not name a known caller.");
        }
    }
}

/// <summary>Records the final status of every call it sees (what a metrics interceptor counts), and each call's peer.</summary>
public sealed class StatusRecorder : ServerInterceptor
{
    public ConcurrentQueue<(string Method, StatusCode Code, Exception? Cause)> Calls { get; } = new();

    public ConcurrentQueue<string> Peers { get; } = new();

    /// <summary>The recorded status of <paramref name="method"/>'s calls, waiting until there are <paramref name="count"/>.</summary>
    public async Task<List<StatusCode>> StatusesAsync(string method, int count)
    {
        await Eventually.TrueAsync(() => Of(method).Count >= count);
        return Of(method).Select(call => call.Code).ToList();
    }

    public override async Task<TResponse> UnaryHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        TResponse? response = null;
        await RecordAsync(context, async () => response = await continuation(request, context));
        return response!;
    }

    public override async Task<TResponse> ClientStreamingHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        TResponse? response = null;
        await RecordAsync(context, async () => response = await continuation(requestStream, context));
        return response!;
    }

    public override Task ServerStreamingHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
        => RecordAsync(context, () => continuation(request, responseStream, context));

    public override Task DuplexStreamingHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
        => RecordAsync(context, () => continuation(requestStream, responseStream, context));

    private List<(string Method, StatusCode Code, Exception? Cause)> Of(string method) => Calls.Where(call => call.Method == method).ToList();

    /// <summary>Runs the rest of the call (inside the try, so that a synchronous rejection is seen too) and records its status.</summary>
    private async Task RecordAsync(ServerCallContext context, Func<Task> rest)
    {
        Peers.Enqueue(context.Peer);
        try
        {
            await rest();
            Calls.Enqueue((context.Method, StatusCode.OK, null));
        }
        catch (RpcException e)
        {
            Calls.Enqueue((context.Method, e.StatusCode, e.InnerException));
            throw;
        }
    }
}

/// <summary>Appends "name&gt;" on the way in and "&lt;name" on the way out of unary calls to a shared trace.</summary>
public sealed class TracingServerInterceptor(string name, ConcurrentQueue<string> trace) : ServerInterceptor
{
    public override async Task<TResponse> UnaryHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        trace.Enqueue($"{name}>");
        try
        {
            return await continuation(request, context);
        }
        finally
        {
            trace.Enqueue($"<{name}");
        }
    }
}

/// <summary>
/// Answers UNAVAILABLE to the first <c>x-fail-attempts</c> attempts of each call (keyed by
/// <c>x-call-key</c>) and records, per key, the <c>grpc-previous-rpc-attempts</c> of every attempt.
/// </summary>
public sealed class FlakyServerInterceptor : ServerInterceptor
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _attempts = new();

    /// <summary>Per attempt of the call <paramref name="key"/>, its <c>grpc-previous-rpc-attempts</c> ("-" when absent).</summary>
    public IReadOnlyList<string> AttemptsOf(string key) => _attempts.TryGetValue(key, out var attempts) ? attempts.ToList() : new List<string>();

    public override Task<TResponse> UnaryHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        CountAttempt(context);
        return continuation(request, context);
    }

    public override Task ServerStreamingHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        CountAttempt(context);
        return continuation(request, responseStream, context);
    }

    private void CountAttempt(ServerCallContext context)
    {
        var key = context.RequestHeaders.GetValue("x-call-key") ?? "";
        var attempts = _attempts.GetOrAdd(key, _ => new ConcurrentQueue<string>());
        attempts.Enqueue(context.RequestHeaders.GetValue("grpc-previous-rpc-attempts") ?? "-");
        if (int.TryParse(context.RequestHeaders.GetValue("x-fail-attempts"), out var failures) && attempts.Count <= failures)
        {
            throw new RpcException(StatusCode.Unavailable, $"attempt {attempts.Count} of {failures} planned failures");
        }
    }
}
