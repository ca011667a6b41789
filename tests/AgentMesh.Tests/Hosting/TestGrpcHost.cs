using System.Net;
using AgentMesh.Hosting;
using AgentMesh.Services.State;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentMesh.Tests.Hosting;

/// <summary>
/// A real Kestrel gRPC server on a free loopback port (HTTP/2, h2c) with the services a test adds
/// and maps, plus health and reflection; <see cref="Channel"/> is a grpc-dotnet channel to it.
/// DAPR_GRPC_ENDPOINT points at the host itself, where an embedded task hub would be served.
/// </summary>
internal sealed class TestGrpcHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestGrpcHost(WebApplication app, string address)
    {
        _app = app;
        Address = address;
        Channel = GrpcChannel.ForAddress(address);
    }

    public string Address { get; }

    public GrpcChannel Channel { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<TestGrpcHost> StartAsync(Action<IServiceCollection> add, Action<IEndpointRouteBuilder> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        // A port known before start: a Dapr.Workflow SDK in the host reads the embedded hub's address (DAPR_GRPC_ENDPOINT) when it starts.
        var port = EndToEnd.HostProcess.FreePort();
        builder.WebHost.UseMeshKestrel().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        builder.Configuration["DAPR_GRPC_ENDPOINT"] = $"http://127.0.0.1:{port}";
        builder.Services.AddMeshServer();
        add(builder.Services);
        var app = builder.Build();
        map(app);
        app.MapMeshServer();
        await app.StartAsync();
        return new TestGrpcHost(app, $"http://127.0.0.1:{port}");
    }

    /// <summary>
    /// The State service over a SQLite file at <paramref name="databasePath"/>, with <paramref name="interceptor"/>
    /// (registered as itself) as a server interceptor when given.
    /// </summary>
    public static Task<TestGrpcHost> StartStateAsync(string databasePath, Interceptor? interceptor = null) => StartAsync(
        services =>
        {
            if (interceptor is not null)
            {
                services.AddSingleton(interceptor.GetType(), interceptor);
                services.AddGrpc(o => o.Interceptors.Add(interceptor.GetType()));
            }

            services.AddSqliteStateStore(databasePath);
            services.AddStateService();
        },
        endpoints => endpoints.MapStateService());

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
