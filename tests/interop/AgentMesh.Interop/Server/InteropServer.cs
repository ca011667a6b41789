using System.Net;
using System.Net.Sockets;
using AgentMesh.Grpc.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AgentMesh.Interop.Server;

/// <summary>
/// The interop server: <see cref="InteropTestService"/> on Kestrel over HTTP/2 cleartext.
/// <c>grpc.testing.UnimplementedService</c> is deliberately not mapped, so calls to it take the
/// transport's unknown-service path and end UNIMPLEMENTED (interop case unimplemented_service).
/// </summary>
public static class InteropServer
{
    /// <summary>Flags of <c>agentmesh-interop server</c>.</summary>
    public static readonly IReadOnlyCollection<string> Flags = new[] { "port", "use_tls" };

    /// <summary>
    /// Builds the server on <paramref name="address"/>:<paramref name="port"/> (0 picks a free port);
    /// <paramref name="configureLogging"/> replaces the default console logging when given.
    /// </summary>
    public static WebApplication Build(IPAddress address, int port, Action<ILoggingBuilder>? configureLogging = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenGrpc(address, port));
        builder.Logging.ClearProviders();
        if (configureLogging is null)
        {
            builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Logging.AddFilter(typeof(InteropServer).Namespace, LogLevel.Information);
        }
        else
        {
            configureLogging(builder.Logging);
        }

        builder.Services.AddGrpcServer();
        var app = builder.Build();
        app.MapGrpcService<InteropTestService>(InteropTestService.Descriptor);
        return app;
    }

    /// <summary>The <c>http://host:port</c> address a started server listens on (a wildcard host becomes 127.0.0.1).</summary>
    public static string AddressOf(WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return address.Replace("[::]", "127.0.0.1").Replace("0.0.0.0", "127.0.0.1");
    }

    /// <summary><c>server --port=P [--use_tls=false]</c>: serves until stopped (Ctrl+C, SIGTERM). Returns the exit code.</summary>
    internal static async Task<int> RunAsync(InteropFlags flags)
    {
        var port = flags.RequirePort("port");
        if (flags.GetBool("use_tls", false))
        {
            throw new UsageException("--use_tls=true is not supported: the interop server speaks HTTP/2 cleartext; run it with --use_tls=false.");
        }

        var address = Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any;
        await using var app = Build(address, port);
        await app.StartAsync();
        InteropServerLog.Listening(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(InteropServerLog.Category), string.Join(", ", app.Urls));
        await app.WaitForShutdownAsync();
        return 0;
    }
}
