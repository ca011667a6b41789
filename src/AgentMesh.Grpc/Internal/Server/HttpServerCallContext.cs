using AgentMesh.Grpc.Internal.Wire;
using Microsoft.AspNetCore.Http;

namespace AgentMesh.Grpc.Internal.Server;

/// <summary>The <see cref="ServerCallContext"/> of a call served over a Kestrel HTTP/2 stream.</summary>
internal sealed class HttpServerCallContext(ServerCall call) : ServerCallContext
{
    private Metadata? _requestHeaders;
    private Metadata? _responseTrailers;
    private string? _peer;

    public override string Method => call.Method;

    public override string Peer => _peer ??= call.FormatPeer();

    public override DateTime Deadline => call.Deadline;

    public override CancellationToken CancellationToken => call.CancellationToken;

    public override Metadata RequestHeaders => _requestHeaders ??= ReadRequestHeaders();

    public override Metadata ResponseTrailers => _responseTrailers ??= new();

    /// <summary>The response trailers, or null when the handler never asked for them (saves an allocation per call).</summary>
    internal Metadata? ResponseTrailersIfAny => _responseTrailers;

    public override async Task WriteResponseHeadersAsync(Metadata responseHeaders)
    {
        var response = call.Http.Response;
        if (response.HasStarted)
        {
            throw new InvalidOperationException("Response headers were already sent; they can be sent once, before the first message.");
        }

        foreach (var entry in responseHeaders)
        {
            if (!ReservedHeaders.IsReserved(entry.Key))
            {
                response.Headers.Append(entry.Key, MetadataCodec.Encode(entry));
            }
        }

        await response.StartAsync(CancellationToken).ConfigureAwait(false);
        await response.BodyWriter.FlushAsync(CancellationToken).ConfigureAwait(false);
    }

    private Metadata ReadRequestHeaders()
    {
        var metadata = new Metadata();
        foreach (var header in call.Http.Request.Headers)
        {
            MetadataCodec.AddHeader(metadata, header.Key, header.Value);
        }

        return metadata;
    }
}
