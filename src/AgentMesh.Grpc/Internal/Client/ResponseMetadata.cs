using System.Globalization;
using System.Net.Http.Headers;
using AgentMesh.Grpc.Internal.Wire;

namespace AgentMesh.Grpc.Internal.Client;

/// <summary>Reads custom metadata and the gRPC status from response headers or trailers.</summary>
internal static class ResponseMetadata
{
    public static Metadata Read(HttpHeaders headers)
    {
        var metadata = new Metadata();
        foreach (var header in headers.NonValidated)
        {
            MetadataCodec.AddHeader(metadata, header.Key, header.Value);
        }

        return metadata;
    }

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
