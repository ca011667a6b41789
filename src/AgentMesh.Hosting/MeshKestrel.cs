using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace AgentMesh.Hosting;

/// <summary>Kestrel as an AgentMesh gRPC server.</summary>
public static class MeshKestrel
{
    /// <summary>
    /// Serves every endpoint (e.g. from <c>--urls</c> or <c>ASPNETCORE_URLS</c>) as HTTP/2 only, so
    /// plain <c>http://</c> addresses speak h2c, and sends HTTP/2 keepalive PINGs on idle connections
    /// (every 30 s, dropping a connection that does not answer within 20 s).
    /// </summary>
    public static IWebHostBuilder UseMeshKestrel(this IWebHostBuilder builder) => builder.ConfigureKestrel(kestrel =>
    {
        kestrel.ConfigureEndpointDefaults(listen => listen.Protocols = HttpProtocols.Http2);
        kestrel.Limits.Http2.KeepAlivePingDelay = TimeSpan.FromSeconds(30);
        kestrel.Limits.Http2.KeepAlivePingTimeout = TimeSpan.FromSeconds(20);
    });
}
