using AgentMesh.Grpc.Internal.Wire;
using Microsoft.AspNetCore.Http;

namespace AgentMesh.Grpc.Internal.Server;

/// <summary>Status and trailing metadata of a call, sent in headers or in trailers.</summary>
internal static class TrailersOnlyResponse
{
    /// <summary>Puts the status in the response headers of a response that has not started (Trailers-Only).</summary>
    public static void Write(HttpResponse response, Status status, Metadata? trailers)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = GrpcHeaders.ContentType;
        WriteStatus(response.Headers, status, trailers);
    }

    /// <summary>Sets <c>grpc-status</c> and <c>grpc-message</c> (percent-encoded) and appends the custom trailers in <paramref name="target"/> (response headers or trailers).</summary>
    public static void WriteStatus(IHeaderDictionary target, Status status, Metadata? trailers)
    {
        target[GrpcHeaders.Status] = ((int)status.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!string.IsNullOrEmpty(status.Detail))
        {
            target[GrpcHeaders.Message] = StatusMessageCodec.Encode(status.Detail);
        }

        if (trailers is null || trailers.Count == 0)
        {
            return;
        }

        foreach (var entry in trailers)
        {
            if (!ReservedHeaders.IsReserved(entry.Key))
            {
                target.Append(entry.Key, MetadataCodec.Encode(entry));
            }
        }
    }
}
