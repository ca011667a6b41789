using AgentMesh.Grpc.Internal.Client;

namespace AgentMesh.Grpc.Client;

/// <summary>A server-streaming call in flight. Disposing it before the end cancels the call.</summary>
public sealed class AsyncServerStreamingCall<TResponse> : IDisposable
{
    private readonly IResponseCall<TResponse> _call;

    internal AsyncServerStreamingCall(IResponseCall<TResponse> call, IAsyncStreamReader<TResponse>? responseStream = null)
    {
        _call = call;
        ResponseStream = responseStream ?? new ResponseStreamReader<TResponse>(call);
    }

    /// <summary>The response messages; <c>MoveNext</c> throws <see cref="RpcException"/> for a non-OK status.</summary>
    public IAsyncStreamReader<TResponse> ResponseStream { get; }

    /// <summary>Response headers, once received; for a Trailers-Only response, its headers. Throws <see cref="RpcException"/> when the call failed before any headers.</summary>
    public Task<Metadata> ResponseHeadersAsync => _call.ResponseHeadersAsync;

    /// <summary>The final status; throws <see cref="InvalidOperationException"/> before the call ended.</summary>
    public Status GetStatus() => _call.GetStatus();

    /// <summary>The trailers; throws <see cref="InvalidOperationException"/> before the call ended.</summary>
    public Metadata GetTrailers() => _call.GetTrailers();

    /// <summary>
    /// This call with its responses read through <paramref name="responseStream"/>, for client
    /// interceptors (e.g. a reader over <see cref="ResponseStream"/> that observes or replaces
    /// messages and sees the end of the call); headers, status, trailers and disposal stay this call's.
    /// </summary>
    public AsyncServerStreamingCall<TResponse> With(IAsyncStreamReader<TResponse> responseStream)
        => new(_call, responseStream ?? throw new ArgumentNullException(nameof(responseStream)));

    /// <summary>Cancels the call if it has not ended (the server sees CANCELLED) and frees its HTTP/2 stream.</summary>
    public void Dispose() => _call.Dispose();
}
