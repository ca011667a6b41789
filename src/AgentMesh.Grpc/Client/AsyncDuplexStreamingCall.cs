using AgentMesh.Grpc.Internal.Client;

namespace AgentMesh.Grpc.Client;

/// <summary>
/// A bidirectional streaming call in flight: requests and responses flow independently on one
/// HTTP/2 stream. Disposing it before the end cancels the call.
/// </summary>
public sealed class AsyncDuplexStreamingCall<TRequest, TResponse> : IDisposable
{
    private readonly IResponseCall<TResponse> _call;

    internal AsyncDuplexStreamingCall(
        IResponseCall<TResponse> call, IClientStreamWriter<TRequest> requestStream, IAsyncStreamReader<TResponse>? responseStream = null)
    {
        _call = call;
        RequestStream = requestStream;
        ResponseStream = responseStream ?? new ResponseStreamReader<TResponse>(call);
    }

    /// <summary>The request messages; call <see cref="IClientStreamWriter{T}.CompleteAsync"/> after the last.</summary>
    public IClientStreamWriter<TRequest> RequestStream { get; }

    /// <summary>The response messages; <c>MoveNext</c> throws <see cref="RpcException"/> for a non-OK status.</summary>
    public IAsyncStreamReader<TResponse> ResponseStream { get; }

    /// <summary>Response headers, once received. Throws <see cref="RpcException"/> when the call failed before any headers.</summary>
    public Task<Metadata> ResponseHeadersAsync => _call.ResponseHeadersAsync;

    /// <summary>The final status; throws <see cref="InvalidOperationException"/> before the call ended.</summary>
    public Status GetStatus() => _call.GetStatus();

    /// <summary>The trailers; throws <see cref="InvalidOperationException"/> before the call ended.</summary>
    public Metadata GetTrailers() => _call.GetTrailers();

    /// <summary>
    /// This call with requests written through <paramref name="requestStream"/> and responses read
    /// through <paramref name="responseStream"/> (null keeps this call's), for client interceptors
    /// that observe or replace messages; headers, status, trailers and disposal stay this call's.
    /// </summary>
    public AsyncDuplexStreamingCall<TRequest, TResponse> With(
        IClientStreamWriter<TRequest>? requestStream = null, IAsyncStreamReader<TResponse>? responseStream = null)
        => new(_call, requestStream ?? RequestStream, responseStream ?? ResponseStream);

    /// <summary>Cancels the call if it has not ended (the server sees CANCELLED) and frees its HTTP/2 stream.</summary>
    public void Dispose() => _call.Dispose();
}
