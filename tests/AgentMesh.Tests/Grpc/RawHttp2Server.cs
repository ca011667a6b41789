using System.Net;
using AgentMesh.Grpc;
using AgentMesh.Grpc.Client;
using AgentMesh.Grpc.Server;
using AgentMesh.Tests.Grpc.Protos;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace AgentMesh.Tests.Grpc;

/// <summary>
/// A bare Kestrel HTTP/2 (h2c) server on 127.0.0.1 (free port) that answers every request with one
/// handler: a peer that sends exactly the bytes, headers, trailers or resets a client test needs.
/// </summary>
public sealed class RawHttp2Server : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RawHttp2Server(WebApplication app, string address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>e.g. <c>http://127.0.0.1:50123</c>.</summary>
    public string Address { get; }

    public static async Task<RawHttp2Server> StartAsync(RequestDelegate handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenGrpc(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new RawHttp2Server(app, address.Replace("[::]", "127.0.0.1"));
    }

    /// <summary>Makes a unary Echo call with our client, which must fail, and returns its <see cref="RpcException"/>.</summary>
    public async Task<RpcException> FailingUnaryAsync(GrpcChannelOptions? options = null)
    {
        using var channel = GrpcChannel.ForAddress(Address, options);
        return await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(EchoMethods.Unary, new EchoRequest()).WaitAsync(EchoMethods.WaitLimit));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await _app.DisposeAsync();
    }
}
