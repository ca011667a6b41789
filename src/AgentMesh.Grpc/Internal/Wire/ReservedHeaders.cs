namespace AgentMesh.Grpc.Internal.Wire;

/// <summary>Headers that belong to HTTP/2 or the gRPC protocol and are never exposed as custom metadata.</summary>
internal static class ReservedHeaders
{
    private static readonly HashSet<string> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        "content-type", "te", "host", "content-length", "connection", "transfer-encoding", "keep-alive",
        "upgrade", "proxy-connection", GrpcHeaders.Status, GrpcHeaders.Message, GrpcHeaders.Timeout,
        GrpcHeaders.Encoding, GrpcHeaders.AcceptEncoding, "grpc-message-type", "grpc-status-details-bin",
    };

    /// <summary>True when <paramref name="name"/> is a pseudo-header or a reserved header.</summary>
    public static bool IsReserved(string name) => name.StartsWith(':') || Names.Contains(name);
}
