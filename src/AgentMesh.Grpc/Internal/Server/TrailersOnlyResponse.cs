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
        WriteStatus((name, value) => response.Headers.Append(name, value), status, trailers);
    }

    /// <summary>Writes <c>grpc-status</c>, <c>grpc-message</c> (percent-encoded) and the custom trailers via <paramref name="add"/>.</summary>
    public static void WriteStatus(Action<string, string> add, Status status, Metadata? trailers)
    {
        add(GrpcHeaders.Status, ((int)status.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(status.Detail))
        {
            add(GrpcHeaders.Message, StatusMessageCodec.Encode(status.Detail));
        }

        if (trailers is null)
        {
            return;
        }

        foreach (var entry in trailers)
        {
            if (!ReservedHeaders.IsReserved(entry.Key))
            {
                add(entry.Key, MetadataCodec.Encode(entry));
            }
        }
    }
}
