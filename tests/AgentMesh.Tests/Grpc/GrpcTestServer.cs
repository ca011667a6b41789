using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using AgentMesh.Grpc.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentMesh.Tests.Grpc;

/// <summary>
/// A real Kestrel server on 127.0.0.1 (free port) serving <see cref="EchoService"/>, with captured
/// logs; <c>services</c> and <c>map</c> add registrations and endpoints (e.g. health, reflection).
/// </summary>
public sealed class GrpcTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GrpcTestServer(WebApplication app, string address, LogCapture logs)
    {
        _app = app;
        Address = address;
        Logs = logs;
    }

    /// <summary>e.g. <c>http://127.0.0.1:50123</c>.</summary>
    public string Address { get; }

    public LogCapture Logs { get; }

    public EchoProbe Probe => _app.Services.GetRequiredService<EchoProbe>();

    public IServiceProvider Services => _app.Services;

    /// <param name="configure">Server options, e.g. interceptors.</param>
    /// <param name="certificate">TLS certificate; null serves h2c.</param>
    /// <param name="port">Port to listen on; 0 picks a free one.</param>
    /// <param name="services">Extra service registrations, e.g. interceptors resolved from DI.</param>
    /// <param name="map">Extra endpoints mapped beside the echo service.</param>
    public static async Task<GrpcTestServer> StartAsync(
        Action<GrpcServerOptions>? configure = null,
        X509Certificate2? certificate = null,
        int port = 0,
        Action<IServiceCollection>? services = null,
        Action<WebApplication>? map = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenGrpc(IPAddress.Loopback, port, certificate));
        var logs = new LogCapture();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(logs);
        builder.Services.AddGrpcServer(configure);
        builder.Services.AddSingleton<EchoProbe>();
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapGrpcService<EchoService>(EchoService.Descriptor);
        map?.Invoke(app);
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new GrpcTestServer(app, address.Replace("[::]", "127.0.0.1"), logs);
    }

    /// <summary>Stops the host (graceful shutdown: draining, GOAWAY); disposing afterwards is still needed.</summary>
    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await _app.DisposeAsync();
    }
}

/// <summary>Collects log entries so tests can assert on levels and event ids.</summary>
public sealed class LogCapture : ILoggerProvider
{
    public ConcurrentQueue<(string Category, LogLevel Level, EventId EventId, string Message)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => owner.Entries.Enqueue((category, logLevel, eventId, formatter(state, exception)));
    }
}
