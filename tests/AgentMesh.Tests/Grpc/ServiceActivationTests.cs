using System.Collections.Concurrent;
using System.Net;
using AgentMesh.Grpc;
using AgentMesh.Grpc.Client;
using AgentMesh.Grpc.Server;
using AgentMesh.Tests.Grpc.Protos;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace AgentMesh.Tests.Grpc;

/// <summary>
/// How a method endpoint gets its service instance (resolved once per endpoint, not per call):
/// a singleton is the same for every call, a scoped registration is new per call, an unregistered
/// class is created per call and disposed after it.
/// </summary>
public sealed class ServiceActivationTests
{
    [Fact]
    public async Task A_singleton_service_serves_every_call()
    {
        var instances = await CallThreeTimesAsync(services => services.AddSingleton<CountingEchoService>());

        Assert.Single(instances.Created);
        Assert.Equal(3, instances.Served.Count);
        Assert.Single(instances.Served.Distinct());
        Assert.Single(instances.Disposed); // by the container when the host was disposed, never by a call
    }

    [Fact]
    public async Task A_scoped_service_is_new_for_each_call_and_disposed_with_it()
    {
        var instances = await CallThreeTimesAsync(services => services.AddScoped<CountingEchoService>());

        Assert.Equal(3, instances.Served.Distinct().Count());
        await Eventually.TrueAsync(() => instances.Disposed.Count == 3);
    }

    [Fact]
    public async Task An_unregistered_service_is_created_for_each_call_and_disposed_after_it()
    {
        var instances = await CallThreeTimesAsync(_ => { });

        Assert.Equal(3, instances.Served.Distinct().Count());
        Assert.Equal(instances.Served.Distinct().OrderBy(i => i), instances.Disposed.OrderBy(i => i));
    }

    private static async Task<InstanceLog> CallThreeTimesAsync(Action<IServiceCollection> register)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenGrpc(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Services.AddGrpcServer();
        var log = new InstanceLog();
        builder.Services.AddSingleton(log);
        register(builder.Services);
        await using var app = builder.Build();
        app.MapGrpcService<CountingEchoService>(EchoService.Descriptor);
        await app.StartAsync().WaitAsync(EchoMethods.WaitLimit);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        using (var channel = GrpcChannel.ForAddress(address.Replace("[::]", "127.0.0.1")))
        {
            for (var i = 0; i < 3; i++)
            {
                await channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { Message = "hi" }).WaitAsync(EchoMethods.WaitLimit);
            }
        }

        await app.StopAsync().WaitAsync(EchoMethods.WaitLimit);
        return log;
    }

    /// <summary>Which <see cref="CountingEchoService"/> instances were created, served a call, were disposed.</summary>
    public sealed class InstanceLog
    {
        private int _next;

        public ConcurrentQueue<int> Created { get; } = new();

        public ConcurrentQueue<int> Served { get; } = new();

        public ConcurrentQueue<int> Disposed { get; } = new();

        public int NewInstance()
        {
            var id = Interlocked.Increment(ref _next);
            Created.Enqueue(id);
            return id;
        }
    }

    /// <summary>The Echo service shape, recording its instance in <see cref="InstanceLog"/>.</summary>
    public sealed class CountingEchoService(InstanceLog log) : IDisposable
    {
        private readonly int _id = log.NewInstance();

        public Task<EchoReply> Unary(EchoRequest request, ServerCallContext context)
        {
            log.Served.Enqueue(_id);
            return Task.FromResult(new EchoReply { Message = request.Message });
        }

        public Task<EchoReply> IdempotentUnary(EchoRequest request, ServerCallContext context) => Unary(request, context);

        public Task ServerStream(EchoRequest request, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context) => Task.CompletedTask;

        public Task ReadOnlyStream(EchoRequest request, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context) => Task.CompletedTask;

        public Task<EchoReply> ClientStream(IAsyncStreamReader<EchoRequest> requestStream, ServerCallContext context) => Task.FromResult(new EchoReply());

        public Task Duplex(IAsyncStreamReader<EchoRequest> requestStream, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context) => Task.CompletedTask;

        public void Dispose() => log.Disposed.Enqueue(_id);
    }
}
