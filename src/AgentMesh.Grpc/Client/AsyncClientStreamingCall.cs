using AgentMesh.Grpc.Internal.Client;

namespace AgentMesh.Grpc.Client;

/// <summary>
/// A client-streaming call in flight: write requests to <see cref="RequestStream"/>, complete it,
/// then await <see cref="ResponseAsync"/>. Disposing it before the end cancels the call.
/// </summary>
public sealed class AsyncClientStreamingCall<TRequest, TResponse> : IDisposable
{
    private readonly IResponseCall<TResponse> _call;
    private readonly Task<TResponse>? _response;

    internal AsyncClientStreamingCall(IResponseCall<TResponse> call, IClientStreamWriter<TRequest> requestStream, Task<TResponse>? response = null)
    {
        _call = call;
        RequestStream = requestStream;
        _response = response;
    }

    /// <summary>The request messages; call <see cref="IClientStreamWriter{T}.CompleteAsync"/> after the last.</summary>
    public IClientStreamWriter<TRequest> RequestStream { get; }

    /// <summary>The response; throws <see cref="RpcException"/> when the call ends with a non-OK status.</summary>
    public Task<TResponse> ResponseAsync => _response ?? _call.ResponseAsync;

    /// <summary>Response headers, once received. Throws <see cref="RpcException"/> when the call failed before any headers.</summary>
    public Task<Metadata> ResponseHeadersAsync => _call.ResponseHeadersAsync;

    /// <summary>The final status; throws <see cref="InvalidOperationException"/> before the call ended.</summary>
    public Status GetStatus() => _call.GetStatus();

    /// <summary>The trailers; throws <see cref="InvalidOperationException"/> before the call ended.</summary>
    public Metadata GetTrailers() => _call.GetTrailers();

    /// <summary>Awaits <see cref="ResponseAsync"/>.</summary>
    public System.Runtime.CompilerServices.TaskAwaiter<TResponse> GetAwaiter() => ResponseAsync.GetAwaiter();

    /// <summary>
    /// This call with requests written through <paramref name="requestStream"/> and
    /// <paramref name="responseAsync"/> as its response (null keeps this call's), for client
    /// interceptors that observe or replace messages; headers, status, trailers and disposal stay this call's.
    /// </summary>
    public AsyncClientStreamingCall<TRequest, TResponse> With(
        IClientStreamWriter<TRequest>? requestStream = null, Task<TResponse>? responseAsync = null)
        => new(_call, requestStream ?? RequestStream, responseAsync ?? _response);

    /// <summary>Cancels the call if it has not ended (the server sees CANCELLED) and frees its HTTP/2 stream.</summary>
    public void Dispose() => _call.Dispose();
}
