using System.Net;
using System.Net.Http.Headers;
using AgentMesh.Grpc.Client;
using AgentMesh.Grpc.Internal.Wire;

namespace AgentMesh.Grpc.Internal.Client;

/// <summary>The HTTP/2 request of a client call (grpc/doc/PROTOCOL-HTTP2.md, "Requests").</summary>
internal static class CallRequest
{
    /// <summary>
    /// A POST of <paramref name="content"/> to <paramref name="path"/> with <c>te: trailers</c>, the user agent,
    /// the accepted encodings, <c>grpc-encoding</c> when <paramref name="encoding"/> is set, <c>grpc-timeout</c>
    /// for the deadline and the custom metadata of <paramref name="options"/>.
    /// </summary>
    public static HttpRequestMessage Create(GrpcChannel channel, string path, CallOptions options, string? encoding, HttpContent content)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(channel.Address, path))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        var headers = request.Headers;
        headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        headers.TryAddWithoutValidation(GrpcHeaders.UserAgent, channel.UserAgent);
        headers.TryAddWithoutValidation(GrpcHeaders.AcceptEncoding, GrpcHeaders.SupportedEncodings);
        if (encoding is not null)
        {
            headers.TryAddWithoutValidation(GrpcHeaders.Encoding, encoding);
        }

        if (options.Deadline is { } deadline)
        {
            headers.TryAddWithoutValidation(GrpcHeaders.Timeout, TimeoutHeader.Format(deadline.ToUniversalTime() - DateTime.UtcNow));
        }

        foreach (var (name, value) in MetadataCodec.ToHeaders(options.Headers))
        {
            headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    /// <summary>A request body of gRPC content-type.</summary>
    public static ByteArrayContent Body(ArraySegment<byte> frame)
    {
        var content = new ByteArrayContent(frame.Array!, frame.Offset, frame.Count);
        content.Headers.ContentType = new MediaTypeHeaderValue(GrpcHeaders.ContentType);
        return content;
    }
}
