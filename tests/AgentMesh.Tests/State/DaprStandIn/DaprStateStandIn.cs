using System.Collections.Concurrent;
using System.Net;
using Grpc.AspNetCore.Server.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentMesh.Tests.State.DaprStandIn;

/// <summary>Settings of <see cref="DaprStateStandIn"/>.</summary>
public sealed record DaprStateStandInOptions
{
    /// <summary>The state store component names it serves. Default <c>["statestore"]</c>.</summary>
    public IReadOnlyList<string> StoreNames { get; init; } = ["statestore"];

    /// <summary>When set, every call must carry this <c>dapr-api-token</c> (daprd with <c>DAPR_API_TOKEN</c>). Default <c>null</c>.</summary>
    public string? ApiToken { get; init; }

    /// <summary>
    /// When <c>true</c>, ExecuteStateTransaction ignores first-write concurrency, as the Redis component's
    /// <c>Multi</c> does (components-contrib state/redis: its transactional script gets no first-write flag), so
    /// only ETags guard a transaction. Default <c>false</c> (the in-memory and SQL components honour it).
    /// </summary>
    public bool TransactionsIgnoreFirstWrite { get; init; }

    /// <summary>Clock for TTL. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}

/// <summary>
/// A STAND-IN for the Dapr sidecar's state API, for tests only: no daprd can run on this machine. A real gRPC
/// server (Kestrel, HTTP/2 without TLS, grpc-dotnet) on a free loopback port serving the state methods of
/// <c>dapr.proto.runtime.v1.Dapr</c> that <c>DaprClient</c> calls — GetState, GetBulkState, SaveState,
/// DeleteState, DeleteBulkState, ExecuteStateTransaction — with daprd's status codes and messages and
/// Dapr's documented state semantics (see <see cref="DaprStandInComponent"/>). Point a client at
/// <see cref="GrpcEndpoint"/> with <c>DaprClientBuilder().UseGrpcEndpoint(...)</c>.
/// </summary>
public sealed class DaprStateStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _calls;

    private DaprStateStandIn(WebApplication app, string endpoint, IReadOnlyDictionary<string, DaprStandInComponent> stores, ConcurrentDictionary<string, int> calls)
    {
        _app = app;
        GrpcEndpoint = endpoint;
        Stores = stores;
        _calls = calls;
    }

    /// <summary>The address to give <c>DaprClientBuilder.UseGrpcEndpoint</c>, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string GrpcEndpoint { get; }

    /// <summary>The components by store name, for tests that look at the raw data.</summary>
    public IReadOnlyDictionary<string, DaprStandInComponent> Stores { get; }

    /// <summary>Starts a stand-in on a free loopback port.</summary>
    public static async Task<DaprStateStandIn> StartAsync(DaprStateStandInOptions? options = null)
    {
        options ??= new DaprStateStandInOptions();
        var stores = options.StoreNames.ToDictionary(name => name, _ => new DaprStandInComponent(options.Clock), StringComparer.Ordinal);
        var calls = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(new DaprStandInService(options, stores, calls));
        builder.Services.AddSingleton<IServiceMethodProvider<DaprStandInService>, DaprStandInMethods>();
        var app = builder.Build();
        app.MapGrpcService<DaprStandInService>();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new DaprStateStandIn(app, address, stores, calls);
    }

    /// <summary>How many calls of <paramref name="method"/> (e.g. <c>"GetState"</c>) the stand-in has answered.</summary>
    public int Calls(string method) => _calls.TryGetValue(method, out var count) ? count : 0;

    /// <summary>Calls answered so far, by method.</summary>
    public IReadOnlyDictionary<string, int> CallsSnapshot() => new Dictionary<string, int>(_calls, StringComparer.Ordinal);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
