using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace AgentMesh.Grpc.Server;

/// <summary>Kestrel endpoints for gRPC.</summary>
public static class KestrelGrpcExtensions
{
    /// <summary>
    /// Listens on <paramref name="address"/>:<paramref name="port"/> (0 picks a free port) for gRPC:
    /// without <paramref name="certificate"/>, HTTP/2 cleartext by prior knowledge only (h2c);
    /// with it, TLS with HTTP/1.1 and HTTP/2 negotiated by ALPN.
    /// </summary>
    public static void ListenGrpc(this KestrelServerOptions options, IPAddress address, int port, X509Certificate2? certificate = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(address);
        options.Listen(address, port, listen =>
        {
            if (certificate is null)
            {
                listen.Protocols = HttpProtocols.Http2;
                return;
            }

            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(certificate);
        });
    }
}
