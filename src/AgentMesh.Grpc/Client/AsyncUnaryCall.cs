using AgentMesh.Grpc.Internal.Client;

namespace AgentMesh.Grpc.Client;

/// <summary>
/// A unary call in flight: await it (or <see cref="ResponseAsync"/>) for the response; headers,
/// status and trailers stay readable. Disposing it before the end cancels the call.
/// </summary>
public sealed class AsyncUnaryCall<TResponse> : IDisposable
{
    private readonly IResponseCall<TResponse> _call;
    private readonly Task<TResponse>? _response;

    internal AsyncUnaryCall(IResponseCall<TResponse> call, Task<TResponse>? response = null)
    {
        _call = call;
        _response = response;
    }

    /// <summary>The response; throws <see cref="RpcException"/> when the call ends with a non-OK status.</summary>
    public Task<TResponse> ResponseAsync => _response ?? _call.ResponseAsync;

    /// <summary>Response headers, once received; for a Trailers-Only response, its headers. Throws <see cref="RpcException"/> when the call failed before any headers.</summary>
    public Task<Metadata> ResponseHeadersAsync => _call.ResponseHeadersAsync;

    /// <summary>The final status; throws <see cref="InvalidOperationException"/> before the call ended.</summary>
    public Status GetStatus() => _call.GetStatus();

    /// <summary>The trailers; throws <see cref="InvalidOperationException"/> before the call ended.</summary>
    public Metadata GetTrailers() => _call.GetTrailers();

    /// <summary>Awaits <see cref="ResponseAsync"/>.</summary>
    public System.Runtime.CompilerServices.TaskAwaiter<TResponse> GetAwaiter() => ResponseAsync.GetAwaiter();

    /// <summary>
    /// This call with <paramref name="responseAsync"/> as its response, for client interceptors that
    /// observe or replace the response (e.g. a task that awaits <see cref="ResponseAsync"/>); headers,
    /// status, trailers and disposal stay this call's.
    /// </summary>
    public AsyncUnaryCall<TResponse> With(Task<TResponse> responseAsync)
        => new(_call, responseAsync ?? throw new ArgumentNullException(nameof(responseAsync)));

    /// <summary>Cancels the call if it has not ended (the server sees CANCELLED) and frees its HTTP/2 stream.</summary>
    public void Dispose() => _call.Dispose();
}
