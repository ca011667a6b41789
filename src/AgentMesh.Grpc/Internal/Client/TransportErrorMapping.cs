namespace AgentMesh.Grpc.Internal.Client;

/// <summary>
/// The status of a client call that failed in the transport: an HTTP/2 RST_STREAM (or GOAWAY) error
/// code as grpc/doc/PROTOCOL-HTTP2.md ("Errors") maps it, a connection failure as UNAVAILABLE.
/// </summary>
internal static class TransportErrorMapping
{
    public static Status ToStatus(Exception exception, Uri address)
    {
        if (exception is RpcException rpc)
        {
            return rpc.Status;
        }

        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is HttpProtocolException protocol)
            {
                return FromHttp2ErrorCode(protocol.ErrorCode);
            }
        }

        return exception switch
        {
            HttpRequestException http => new Status(StatusCode.Unavailable, $"Error connecting to {address}: {http.Message}"),
            IOException io => new Status(StatusCode.Unavailable, $"Connection error: {io.Message}"),
            _ => new Status(StatusCode.Internal, $"Error in the gRPC call: {exception.GetType().Name}: {exception.Message}"),
        };
    }

    /// <summary>The status for an HTTP/2 error code the server reset the stream (or closed the connection) with.</summary>
    public static Status FromHttp2ErrorCode(long code) => code switch
    {
        0x7 => new Status(StatusCode.Unavailable,
            "The server refused the stream before processing the call (HTTP/2 REFUSED_STREAM); it can be retried."),
        0x8 => new Status(StatusCode.Cancelled, "The server cancelled the call (HTTP/2 RST_STREAM CANCEL)."),
        0xb => new Status(StatusCode.ResourceExhausted,
            "The server reset the stream with HTTP/2 ENHANCE_YOUR_CALM: too many requests, bandwidth exhausted."),
        0xc => new Status(StatusCode.PermissionDenied,
            "The server reset the stream with HTTP/2 INADEQUATE_SECURITY: the connection is not secure enough for the call."),
        _ => new Status(StatusCode.Internal, $"The server reset the stream with HTTP/2 error {Name(code)} (0x{code:x})."),
    };

    private static string Name(long code) => code switch
    {
        0x0 => "NO_ERROR",
        0x1 => "PROTOCOL_ERROR",
        0x2 => "INTERNAL_ERROR",
        0x3 => "FLOW_CONTROL_ERROR",
        0x4 => "SETTINGS_TIMEOUT",
        0x5 => "STREAM_CLOSED",
        0x6 => "FRAME_SIZE_ERROR",
        0x9 => "COMPRESSION_ERROR",
        0xa => "CONNECT_ERROR",
        0xd => "HTTP_1_1_REQUIRED",
        _ => "unknown",
    };
}
