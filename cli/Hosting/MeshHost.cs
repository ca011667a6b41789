using System.Net;
using AgentMesh.Clients;
using AgentMesh.Grpc.Health;
using AgentMesh.Grpc.Reflection;
using AgentMesh.Grpc.Server;
using AgentMesh.Models;
using AgentMesh.Services.Agents;
using AgentMesh.Services.Agents.Roles;
using AgentMesh.Services.Orchestrator;
using AgentMesh.Services.Planner;
using AgentMesh.Services.State;
using AgentMesh.Services.ToolHost;
using AgentMesh.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace AgentMesh.Cli.Hosting;

/// <summary>
/// The all-in-one host: Orchestrator, Planner, Agents, ToolHost and State on one loopback port.
/// The services call each other through that port over gRPC, exactly as when they run apart.
/// The standard services are mapped too: health (every service SERVING once the host has started,
/// NOT_SERVING from the moment it begins stopping) and server reflection (v1 and v1alpha). On stop,
/// calls in flight are drained (GrpcServerOptions.ShutdownDrainTimeout, 10 s by default). The
/// configuration section <c>Grpc</c> binds the server options, e.g. the environment variable
/// <c>Grpc__ShutdownDrainTimeout=00:00:20</c>.
/// </summary>
public sealed class MeshHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private MeshHost(WebApplication app, string address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The mesh's address, e.g. <c>http://127.0.0.1:50051</c>.</summary>
    public string Address { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Builds and starts the host. Throws <see cref="IOException"/> when the port is taken, <see cref="InvalidOperationException"/> for invalid settings.</summary>
    public static async Task<MeshHost> StartAsync(MeshHostOptions options, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(options.DataDirectory);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(Defaults(options));
        builder.Configuration.AddInMemoryCollection(options.Settings);
        builder.Configuration.AddEnvironmentVariables();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace); // stdout is for run output (--output json)
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenGrpc(IPAddress.Loopback, options.Port));

        string? address = null;
        var roles = AgentRoleCatalog.Load(builder.Configuration["Agents:PromptsDirectory"] ?? AgentRoleCatalog.DefaultDirectory);
        var services = builder.Services;
        services.AddSingleton(roles);
        services.AddSingleton(new MeshChannels(_ => address ?? throw new InvalidOperationException("The mesh host has not started yet.")));
        services.AddGrpcServer(o => builder.Configuration.GetSection("Grpc").Bind(o));
        services.AddGrpcHealth();
        services.AddSqliteStateStore(Path.Combine(options.DataDirectory, "state.db"));
        services.AddStateService();
        services.AddToolHost(o =>
        {
            o.ConfigPath = options.McpConfigPath;
            foreach (var (name, value) in options.Variables)
            {
                o.Variables[name] = value;
            }
        });
        services.AddModelProviders(builder.Configuration);
        services.AddPlanner(o =>
        {
            foreach (var role in roles.Roles)
            {
                o.Roles[role.Name] = role.Description;
            }
        });
        services.AddAgents(o => builder.Configuration.GetSection("Agents").Bind(o));
        services.AddOrchestrator(Path.Combine(options.DataDirectory, "taskhub.db"), o =>
        {
            builder.Configuration.GetSection("Orchestrator").Bind(o);
            o.KnownRoles = roles.Names.ToList();
        });

        var app = builder.Build();
        app.MapStateService();
        app.MapToolHost();
        app.MapPlanner();
        app.MapAgents();
        app.MapOrchestrator();
        app.MapGrpcHealthService();
        app.MapGrpcReflectionService();

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        address = bound.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal);
        return new MeshHost(app, address);
    }

    /// <summary>Waits until the host shuts down (Ctrl+C or SIGTERM).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static Dictionary<string, string?> Defaults(MeshHostOptions options)
    {
        var defaults = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            // The MCP SDK warns about optional methods a server lacks; only its errors matter here.
            ["Logging:LogLevel:ModelContextProtocol"] = "Error",
        };
        if (options.CassettePath is not null)
        {
            defaults["Models:Cassette"] = options.CassettePath;
        }

        foreach (var (name, value) in options.Variables)
        {
            defaults[$"Models:Variables:{name}"] = value;
        }

        return defaults;
    }
}
