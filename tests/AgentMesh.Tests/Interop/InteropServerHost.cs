using System.Net;
using AgentMesh.Interop.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace AgentMesh.Tests.Interop;

/// <summary>The AgentMesh interop server in-process on 127.0.0.1 (free port), with observed logs.</summary>
public sealed class InteropServerHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private InteropServerHost(WebApplication app, ObservedLogs logs)
    {
        _app = app;
        Logs = logs;
        Address = InteropServer.AddressOf(app);
        Port = new Uri(Address).Port;
    }

    /// <summary>e.g. <c>http://127.0.0.1:50123</c>.</summary>
    public string Address { get; }

    public int Port { get; }

    public ObservedLogs Logs { get; }

    public static async Task<InteropServerHost> StartAsync()
    {
        var logs = new ObservedLogs();
        var app = InteropServer.Build(IPAddress.Loopback, 0, logging =>
        {
            logging.SetMinimumLevel(LogLevel.Debug);
            logging.AddProvider(logs);
        });
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return new InteropServerHost(app, logs);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await _app.DisposeAsync();
    }
}

/// <summary>One <see cref="InteropServerHost"/> shared by the tests of a class.</summary>
public sealed class InteropServerFixture : IAsyncLifetime
{
    public InteropServerHost Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await InteropServerHost.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
