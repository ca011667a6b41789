namespace AgentMesh.Grpc.Internal.Client;

/// <summary>The response side of a client call, as the public call objects see it.</summary>
internal interface IResponseCall<TResponse> : IDisposable
{
    Task<Metadata> ResponseHeadersAsync { get; }

    /// <summary>The next response message; null once the call ended OK; throws <see cref="RpcException"/> otherwise.</summary>
    Task<TResponse?> ReadMessageAsync(CancellationToken cancellationToken);

    /// <summary>The only response message of a unary or client-streaming call, after the call ended OK.</summary>
    Task<TResponse> ReadSingleMessageAsync(CancellationToken cancellationToken);

    Status GetStatus();

    Metadata GetTrailers();
}
