using System.Net;

namespace AgentMesh.Grpc.Internal.Client;

/// <summary>The gRPC status of a response whose HTTP status is not 200 (grpc/doc/http-grpc-status-mapping.md).</summary>
internal static class HttpStatusMapping
{
    public static StatusCode ToStatusCode(HttpStatusCode status) => (int)status switch
    {
        400 => StatusCode.Internal,
        401 => StatusCode.Unauthenticated,
        403 => StatusCode.PermissionDenied,
        404 => StatusCode.Unimplemented,
        429 or 502 or 503 or 504 => StatusCode.Unavailable,
        _ => StatusCode.Unknown,
    };
}
