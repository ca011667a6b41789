using System.Net;
using System.Net.Http.Headers;
using AgentMesh.Grpc.Internal.Wire;

namespace AgentMesh.Grpc.Internal.Client;

/// <summary>
/// A request body written message by message while the call runs (client streaming, duplex):
/// HttpClient hands over the HTTP/2 request stream, writers use it, <see cref="Complete"/> ends it
/// (END_STREAM).
/// </summary>
internal sealed class StreamingRequestContent : HttpContent
{
    private readonly TaskCompletionSource<Stream> _stream = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public StreamingRequestContent() => Headers.ContentType = new MediaTypeHeaderValue(GrpcHeaders.ContentType);

    /// <summary>The request stream, once HttpClient starts sending the body.</summary>
    public Task<Stream> Stream => _stream.Task;

    /// <summary>Ends the request body.</summary>
    public void Complete() => _done.TrySetResult();

    /// <summary>
    /// Abandons the request body because the call ended: pending and later writers get
    /// <paramref name="error"/>, and HttpClient resets the HTTP/2 stream (RST_STREAM) instead of
    /// ending it with END_STREAM, so a server never mistakes a cancelled call for a half-close.
    /// </summary>
    public void Abort(Exception error)
    {
        _stream.TrySetException(error);
        _done.TrySetException(error);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        => SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        _stream.TrySetResult(stream);
        await _done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
