namespace AgentMesh.Grpc.Client;

/// <summary>A server-streaming call in flight. Disposing it before the end cancels the call.</summary>
public sealed class AsyncServerStreamingCall<TResponse> : IDisposable
{
    /// <summary>The response messages; <c>MoveNext</c> throws <see cref="RpcException"/> for a non-OK status.</summary>
    public IAsyncStreamReader<TResponse> ResponseStream => throw new NotImplementedException();

    /// <summary>Response headers, once received.</summary>
    public Task<Metadata> ResponseHeadersAsync => throw new NotImplementedException();

    /// <summary>The final status; throws <see cref="InvalidOperationException"/> before the call ended.</summary>
    public Status GetStatus() => throw new NotImplementedException();

    /// <summary>The trailers; throws <see cref="InvalidOperationException"/> before the call ended.</summary>
    public Metadata GetTrailers() => throw new NotImplementedException();

    public void Dispose()
    {
    }
}
