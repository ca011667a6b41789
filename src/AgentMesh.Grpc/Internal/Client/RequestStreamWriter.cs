using Google.Protobuf;

namespace AgentMesh.Grpc.Internal.Client;

/// <summary>The request messages of a client-streaming or duplex client call.</summary>
internal sealed class RequestStreamWriter<TRequest, TResponse>(ClientCall<TRequest, TResponse> call, WriteOptions? writeOptions)
    : IClientStreamWriter<TRequest>
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new()
{
    private bool _completed;

    public WriteOptions? WriteOptions { get; set; } = writeOptions;

    public Task WriteAsync(TRequest message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return _completed
            ? throw new InvalidOperationException("The request stream was already completed.")
            : call.WriteAsync(message, WriteOptions, cancellationToken);
    }

    public Task CompleteAsync()
    {
        _completed = true;
        call.CompleteRequest();
        return Task.CompletedTask;
    }
}
