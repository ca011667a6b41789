using System.Globalization;
using AgentMesh.Grpc.Internal.Wire;

namespace AgentMesh.Grpc.Internal.Server;

/// <summary>The <see cref="ServerCallContext"/> of a call served over a Kestrel HTTP/2 stream.</summary>
internal sealed class HttpServerCallContext(ServerCall call) : ServerCallContext
{
    private Metadata? _requestHeaders;
    private Metadata? _responseTrailers;
    private string? _peer;

    /// <summary>The call this context describes.</summary>
    public ServerCall Call => call;

    /// <summary>The service instance whose handler serves the call, set before the interceptor chain runs.</summary>
    public object? Service { get; set; }

    public override string Method => call.Method;

    public override string Peer => _peer ??= FormatPeer();

    public override DateTime Deadline => call.Deadline;

    public override CancellationToken CancellationToken => call.CancellationToken;

    public override Metadata RequestHeaders => _requestHeaders ??= MetadataCodec.FromHeaders(call.Http.Request.Headers);

    public override Metadata ResponseTrailers => _responseTrailers ??= new();

    /// <summary>The response trailers, or null when the handler never asked for them (saves an allocation per call).</summary>
    internal Metadata? ResponseTrailersIfAny => _responseTrailers;

    public override string? ResponseCompressionEncoding
    {
        get => call.ResponseCompressionEncoding;
        set => call.ResponseCompressionEncoding = value;
    }

    public override WriteOptions? WriteOptions
    {
        get => call.WriteOptions;
        set => call.WriteOptions = value;
    }

    public override bool RequestMessageCompressed => call.RequestMessageCompressed;

    public override Task WriteResponseHeadersAsync(Metadata responseHeaders) => call.WriteResponseHeadersAsync(responseHeaders);

    /// <summary>The peer in gRPC's form, e.g. <c>ipv4:127.0.0.1:50312</c>.</summary>
    private string FormatPeer()
    {
        var connection = call.Http.Connection;
        if (connection.RemoteIpAddress is not { } ip)
        {
            return "unknown";
        }

        var port = connection.RemotePort.ToString(CultureInfo.InvariantCulture);
        return ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"ipv6:[{ip}]:{port}"
            : $"ipv4:{ip}:{port}";
    }
}
