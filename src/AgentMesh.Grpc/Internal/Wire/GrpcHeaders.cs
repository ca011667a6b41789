namespace AgentMesh.Grpc.Internal.Wire;

/// <summary>Header names and values of the gRPC over HTTP/2 protocol (grpc/doc/PROTOCOL-HTTP2.md).</summary>
internal static class GrpcHeaders
{
    public const string ContentType = "application/grpc";
    public const string ContentTypeHeader = "content-type";
    public const string Status = "grpc-status";
    public const string Message = "grpc-message";
    public const string Timeout = "grpc-timeout";
    public const string Encoding = "grpc-encoding";
    public const string AcceptEncoding = "grpc-accept-encoding";
    public const string Te = "te";
    public const string UserAgent = "user-agent";

    /// <summary>Message encodings this implementation can read.</summary>
    public const string SupportedEncodings = "identity,gzip";

    /// <summary>True for <c>application/grpc</c> and <c>application/grpc+suffix</c> / <c>;params</c>.</summary>
    public static bool IsGrpcContentType(string? contentType)
    {
        if (string.Equals(contentType, ContentType, StringComparison.Ordinal))
        {
            return true;
        }

        if (contentType is null || !contentType.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return contentType.Length == ContentType.Length || contentType[ContentType.Length] is '+' or ';';
    }
}
