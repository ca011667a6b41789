using AgentMesh.Grpc;
using AgentMesh.Grpc.Client;
using AgentMesh.Grpc.Server;
using AgentMesh.Tests.Grpc.Protos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;
using static AgentMesh.Tests.Grpc.EchoMethods;

namespace AgentMesh.Tests.Grpc.Lifecycle;

/// <summary>
/// Graceful shutdown of a real Kestrel host: calls in flight finish, new calls are refused, calls
/// still running at the drain bound are cancelled and end with UNAVAILABLE.
/// </summary>
public sealed class ShutdownDrainTests
{
    /// <summary>Longer than any wait in these tests: Kestrel must never be the one that ends a call.</summary>
    private static readonly TimeSpan HostShutdownTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task A_unary_call_in_flight_completes_OK_while_the_host_stops()
    {
        await using var server = await StartAsync(TimeSpan.FromSeconds(30));
        using var channel = GrpcChannel.ForAddress(server.Address);
        var call = channel.UnaryAsync(Unary, new EchoRequest { Message = "in flight", DelayMs = 1000, ProbeKey = "unary" });
        await server.Probe.WaitingAsync("unary");

        var stop = server.StopAsync();
        var reply = await call.WaitAsync(WaitLimit);
        await stop.WaitAsync(WaitLimit);

        Assert.Equal("in flight", reply.Message);
        Assert.Equal("completed", await server.Probe.OutcomeAsync("unary"));
    }

    [Fact]
    public async Task A_never_ending_server_stream_is_cancelled_at_the_drain_bound_and_ends_with_UNAVAILABLE()
    {
        await using var server = await StartAsync(TimeSpan.FromSeconds(1));
        using var channel = GrpcChannel.ForAddress(server.Address);
        using var call = channel.ServerStreaming(ServerStream, new EchoRequest { Message = "forever", Count = 2, DelayMs = int.MaxValue, ProbeKey = "stream" });
        Assert.True(await call.ResponseStream.MoveNext().WaitAsync(WaitLimit));
        await server.Probe.WaitingAsync("stream");

        // Kestrel alone would wait for the handler until HostShutdownTimeout.
        await server.StopAsync().WaitAsync(WaitLimit);

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext().WaitAsync(WaitLimit));
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("shutting down", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("cancelled deadline-set=False", await server.Probe.OutcomeAsync("stream"));
    }

    [Fact]
    public async Task Once_the_host_is_stopping_a_new_call_is_refused_with_UNAVAILABLE()
    {
        await using var server = await StartAsync(TimeSpan.FromSeconds(30));
        using var channel = GrpcChannel.ForAddress(server.Address);
        var inFlight = channel.UnaryAsync(Unary, new EchoRequest { Message = "keeps the drain open", DelayMs = 3000, ProbeKey = "first" });
        await server.Probe.WaitingAsync("first");

        // ApplicationStopping alone: Kestrel still accepts the stream, the gRPC server refuses the call.
        server.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        var refused = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(Unary, new EchoRequest { Message = "late" }).WaitAsync(WaitLimit));

        // The host's stop (Kestrel sends GOAWAY, closes its listener): new calls still get UNAVAILABLE,
        // on the open connection and on a new one.
        var stop = server.StopAsync();
        var refusedDuringStop = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(Unary, new EchoRequest { Message = "later" }).WaitAsync(WaitLimit));
        using var lateChannel = GrpcChannel.ForAddress(server.Address);
        var refusedConnection = await Assert.ThrowsAsync<RpcException>(() => lateChannel.UnaryAsync(Unary, new EchoRequest { Message = "later" }).WaitAsync(WaitLimit));

        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.Equal("The server is shutting down.", refused.Status.Detail);
        Assert.Equal(StatusCode.Unavailable, refusedDuringStop.StatusCode);
        Assert.Equal(StatusCode.Unavailable, refusedConnection.StatusCode);
        Assert.Equal("keeps the drain open", (await inFlight.WaitAsync(WaitLimit)).Message);
        await stop.WaitAsync(WaitLimit);
    }

    [Fact]
    public async Task A_negative_drain_timeout_is_rejected_when_services_are_mapped()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(TimeSpan.FromSeconds(-5)));

        Assert.Contains("GrpcServerOptions.ShutdownDrainTimeout", error.Message, StringComparison.Ordinal);
    }

    private static Task<GrpcTestServer> StartAsync(TimeSpan drain) => GrpcTestServer.StartAsync(
        options => options.ShutdownDrainTimeout = drain,
        services: services => services.Configure<HostOptions>(host => host.ShutdownTimeout = HostShutdownTimeout));
}
