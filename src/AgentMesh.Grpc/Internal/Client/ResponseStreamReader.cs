namespace AgentMesh.Grpc.Internal.Client;

/// <summary>The response messages of a server-streaming or duplex client call.</summary>
internal sealed class ResponseStreamReader<TResponse>(IResponseCall<TResponse> call) : IAsyncStreamReader<TResponse>
{
    private TResponse? _current;
    private bool _hasCurrent;

    public TResponse Current => _hasCurrent ? _current! : throw new InvalidOperationException("MoveNext has not returned true.");

    public async Task<bool> MoveNext(CancellationToken cancellationToken = default)
    {
        _current = await call.ReadMessageAsync(cancellationToken).ConfigureAwait(false);
        _hasCurrent = _current is not null;
        return _hasCurrent;
    }
}
