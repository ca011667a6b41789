using System.Globalization;
using AgentMesh.Grpc.Internal.Wire;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace AgentMesh.Grpc.Internal.Server;

/// <summary>Status and trailing metadata of a call, sent in headers (Trailers-Only) or in trailers.</summary>
internal static class TrailersOnlyResponse
{
    /// <summary>Puts the status in the response headers of a response that has not started (Trailers-Only).</summary>
    public static void Write(HttpResponse response, Status status, Metadata? trailers)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = GrpcHeaders.ContentType;
        WriteStatus(response.Headers, status, trailers);
    }

    /// <summary>Puts the status in the HTTP/2 trailers of a started response.</summary>
    public static void WriteTrailers(HttpResponse response, Status status, Metadata? trailers)
    {
        var feature = response.HttpContext.Features.Get<IHttpResponseTrailersFeature>()
            ?? throw new InvalidOperationException("The response does not support trailers; gRPC needs HTTP/2.");
        WriteStatus(feature.Trailers, status, trailers);
    }

    /// <summary>Sets <c>grpc-status</c>, <c>grpc-message</c> (percent-encoded) and adds the custom trailers to <paramref name="target"/>.</summary>
    public static void WriteStatus(IHeaderDictionary target, Status status, Metadata? trailers)
    {
        target.GrpcStatus = ((int)status.StatusCode).ToString(CultureInfo.InvariantCulture);
        if (!string.IsNullOrEmpty(status.Detail))
        {
            target.GrpcMessage = StatusMessageCodec.Encode(status.Detail);
        }

        if (trailers is not { Count: > 0 })
        {
            return; // no enumerator allocated for the usual call without custom trailers
        }

        foreach (var (name, value) in MetadataCodec.ToHeaders(trailers))
        {
            target.Append(name, value);
        }
    }
}
