namespace AgentMesh.Grpc.Internal.Client;

/// <summary>The response side of a client call, as the public call objects see it.</summary>
internal interface IResponseCall<TResponse> : IDisposable
{
    Task<Metadata> ResponseHeadersAsync { get; }

    /// <summary>The next response message; null once the call ended OK; throws <see cref="RpcException"/> otherwise.</summary>
    Task<TResponse?> ReadMessageAsync(CancellationToken cancellationToken);

    /// <summary>The only response message of a unary or client-streaming call, once the call ended OK (read on first use).</summary>
    Task<TResponse> ResponseAsync { get; }

    Status GetStatus();

    Metadata GetTrailers();
}
