using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using AgentMesh.Grpc.Internal.Wire;

namespace AgentMesh.Grpc.Internal.Client;

/// <summary>Reads and checks the response headers and trailers of a client call: validity, status, encoding.</summary>
internal static class ResponseMetadata
{
    /// <summary>
    /// The error of a response that is not a gRPC response: a non-200 HTTP status (its <c>grpc-status</c> when
    /// present, otherwise the code grpc/doc/http-grpc-status-mapping.md gives) or a non-gRPC content-type (INTERNAL);
    /// null for a gRPC response.
    /// </summary>
    public static RpcException? CheckResponse(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var status = ReadStatus(response.Headers) ?? new Status(HttpStatusMapping.ToStatusCode(response.StatusCode),
                $"Bad gRPC response: HTTP status {(int)response.StatusCode}.");
            return new RpcException(status, MetadataCodec.FromHeaders(response.Headers.NonValidated));
        }

        var contentType = response.Content.Headers.ContentType?.MediaType;
        return GrpcHeaders.IsGrpcContentType(contentType)
            ? null
            : new RpcException(StatusCode.Internal, $"Bad gRPC response: content-type '{contentType}'.");
    }

    /// <summary>The response's <c>grpc-encoding</c>, or null.</summary>
    public static string? ReadEncoding(HttpResponseHeaders headers)
        => headers.NonValidated.TryGetValues(GrpcHeaders.Encoding, out var values) ? values.ToString() : null;

    /// <summary>The status in <paramref name="headers"/>, or null when there is no <c>grpc-status</c>.</summary>
    public static Status? ReadStatus(HttpHeaders headers)
    {
        if (!headers.NonValidated.TryGetValues(GrpcHeaders.Status, out var statusValues))
        {
            return null;
        }

        var text = statusValues.ToString();
        var code = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            && Enum.IsDefined(typeof(StatusCode), number)
                ? (StatusCode)number
                : StatusCode.Unknown;
        var detail = headers.NonValidated.TryGetValues(GrpcHeaders.Message, out var messageValues)
            ? StatusMessageCodec.Decode(messageValues.ToString())
            : "";
        if (code == StatusCode.Unknown && detail.Length == 0 && text != "2")
        {
            detail = $"Unknown grpc-status '{text}'.";
        }

        return new Status(code, detail);
    }
}
