using System.Net;
using AgentMesh.Clients;
using AgentMesh.Hosting;
using AgentMesh.Models;
using AgentMesh.Services.Agents;
using AgentMesh.Services.Agents.Roles;
using AgentMesh.Services.Orchestrator;
using AgentMesh.Services.Planner;
using AgentMesh.Services.State;
using AgentMesh.Services.ToolHost;
using AgentMesh.State;
using AgentMesh.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace AgentMesh.Cli.Hosting;

/// <summary>
/// The all-in-one host: Orchestrator, Planner, Agents, ToolHost and State on one loopback port
/// (<see cref="MeshOptions.AllInOne"/>). The services call each other in-process through their gRPC
/// handlers, with the semantics of gRPC calls between processes (<see cref="MeshOptions.InProcessCalls"/>;
/// set <c>Mesh__InProcessCalls=false</c> to send them through that port). The standard services are mapped too: health (grpc.health.v1, fed
/// by each service's health checks; every Watch ends with NOT_SERVING once the host begins stopping)
/// and server reflection (v1 and v1alpha). On stop, open WatchRun streams end with UNAVAILABLE and
/// other calls in flight may finish within the host's shutdown timeout (10 s by default; the .NET
/// setting <c>shutdownTimeoutSeconds</c>, e.g. the environment variable <c>shutdownTimeoutSeconds=20</c>).
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
        if (string.Equals(builder.Configuration["Logging:Console:FormatterName"], "json", StringComparison.OrdinalIgnoreCase))
        {
            // Structured logs, one JSON object per line (Logging:Console:FormatterOptions:IncludeScopes adds the run and step ids).
            builder.Logging.AddJsonConsole();
        }
        else
        {
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        }

        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace); // stdout is for run output (--output json)
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        // The port is known before start, because the Dapr.Workflow SDK in this host reads the embedded
        // hub's address (DAPR_GRPC_ENDPOINT) when it starts; port 0 takes a port the system has free.
        var port = options.Port != 0 ? options.Port : FreeLoopbackPort();
        builder.WebHost.UseMeshKestrel().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        var engine = builder.Configuration.GetSection(WorkflowEngineOptions.Section).Get<WorkflowEngineOptions>() ?? new WorkflowEngineOptions();
        engine.TaskHubPath = Path.Combine(options.DataDirectory, "taskhub.db");
        if (engine.IsEmbedded)
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["DAPR_GRPC_ENDPOINT"] = $"http://127.0.0.1:{port}" });
        }

        var roles = AgentRoleCatalog.Load(builder.Configuration["Agents:PromptsDirectory"] ?? AgentRoleCatalog.DefaultDirectory);
        var services = builder.Services;
        services.AddSingleton(roles);
        services.AddMeshServer();
        services.AddAgentMeshTelemetry(builder.Configuration);
        services.AddMeshOptions().Configure(o => o.AllInOne = true);
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
        services.AddOrchestrator(engine, o =>
        {
            builder.Configuration.GetSection("Orchestrator").Bind(o);
            o.KnownRoles = roles.Names.ToList();
        });

        options.ConfigureServices?.Invoke(services);
        var app = builder.Build();
        app.MapStateService();
        app.MapToolHost();
        app.MapPlanner();
        app.MapAgents();
        app.MapOrchestrator();
        app.MapMeshServer();

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<MeshAddresses>().Of(MeshService.Orchestrator);
        return new MeshHost(app, address.ToString().TrimEnd('/'));
    }

    /// <summary>Waits until the host shuts down (Ctrl+C or SIGTERM).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Dictionary<string, string?> Defaults(MeshHostOptions options)
    {
        var defaults = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            // The MCP SDK warns about optional methods a server lacks; only its errors matter here.
            ["Logging:LogLevel:ModelContextProtocol"] = "Error",
            // Unhealthy results are reported through grpc.health.v1 (and every service is unhealthy while stopping).
            ["Logging:LogLevel:Microsoft.Extensions.Diagnostics.HealthChecks"] = "Critical",
            ["shutdownTimeoutSeconds"] = "10",
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
