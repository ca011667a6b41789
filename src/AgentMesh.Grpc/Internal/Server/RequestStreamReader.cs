using Google.Protobuf;

namespace AgentMesh.Grpc.Internal.Server;

/// <summary>The request messages of a client-streaming or duplex call.</summary>
internal sealed class RequestStreamReader<T>(ServerCall call, MessageParser<T> parser) : IAsyncStreamReader<T>
    where T : class, IMessage<T>
{
    private T? _current;

    public T Current => _current ?? throw new InvalidOperationException("MoveNext has not returned true.");

    public async Task<bool> MoveNext(CancellationToken cancellationToken = default)
    {
        using var linked = cancellationToken.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, call.CancellationToken)
            : null;
        try
        {
            _current = await call.ReadMessageAsync(parser, linked?.Token ?? call.CancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            // The client reset the stream or dropped the connection (Kestrel fails the body before it signals RequestAborted).
            throw ServerCall.CancelledByClient(e);
        }

        return _current is not null;
    }
}
