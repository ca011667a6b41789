using AgentMesh.Grpc;
using AgentMesh.Grpc.Client;
using AgentMesh.Tests.Grpc.Interceptors;
using AgentMesh.Tests.Grpc.Protos;
using Xunit;
using static AgentMesh.Tests.Grpc.EchoMethods;

namespace AgentMesh.Tests.Grpc.Client;

/// <summary>HTTP/2 keepalive PINGs seen on the wire by a raw HTTP/2 server, and connection reuse seen by Kestrel.</summary>
public sealed class KeepAliveTests
{
    [Fact]
    public async Task Keepalive_pings_go_out_while_a_call_is_in_flight()
    {
        await using var server = new RawHttp2Server(answerCalls: false);
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{server.Port}", new GrpcChannelOptions
        {
            KeepAlivePingDelay = TimeSpan.FromSeconds(1),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
        });

        using var call = channel.ServerStreaming(ServerStream, new EchoRequest());
        await Eventually.TrueAsync(() => server.Pings >= 2);

        Assert.Equal(1, server.Requests);
        Assert.Equal(1, server.Connections);
    }

    [Fact]
    public async Task With_KeepAliveWithoutCalls_pings_continue_on_an_idle_connection()
    {
        await using var server = new RawHttp2Server(answerCalls: true);
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{server.Port}", new GrpcChannelOptions
        {
            KeepAlivePingDelay = TimeSpan.FromSeconds(1),
            KeepAliveWithoutCalls = true,
        });

        var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(Unary, new EchoRequest()).WaitAsync(WaitLimit));
        var pingsDuringCall = server.Pings;
        await Eventually.TrueAsync(() => server.Pings >= pingsDuringCall + 2);

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
        Assert.Equal(1, server.Connections);
    }

    [Fact]
    public async Task Calls_of_every_type_share_one_connection()
    {
        var recorder = new StatusRecorder();
        await using var server = await GrpcTestServer.StartAsync(options => options.Interceptors.Add(recorder));
        using var channel = GrpcChannel.ForAddress(server.Address);

        for (var i = 0; i < 5; i++)
        {
            await channel.UnaryAsync(Unary, new EchoRequest()).WaitAsync(WaitLimit);
        }

        var streams = Enumerable.Range(0, 3).Select(_ => channel.ServerStreaming(ServerStream, new EchoRequest { Count = 3 })).ToList();
        using var upload = channel.ClientStreaming(ClientStream);
        using var duplex = channel.DuplexStreaming(Duplex);
        await upload.RequestStream.CompleteAsync();
        await duplex.RequestStream.CompleteAsync();
        foreach (var stream in streams)
        {
            await stream.ResponseStream.ReadAllAsync().ToListAsync().AsTask().WaitAsync(WaitLimit);
            stream.Dispose();
        }

        await upload.ResponseAsync.WaitAsync(WaitLimit);
        await duplex.ResponseStream.ReadAllAsync().ToListAsync().AsTask().WaitAsync(WaitLimit);

        Assert.Equal(10, recorder.Peers.Count);
        Assert.Single(recorder.Peers.Distinct());
    }

    [Fact]
    public void Keepalive_settings_are_validated_when_the_channel_is_created()
    {
        var tooShort = Assert.Throws<ArgumentException>(() => GrpcChannel.ForAddress("http://127.0.0.1:1",
            new GrpcChannelOptions { KeepAlivePingDelay = TimeSpan.FromMilliseconds(500) }));
        using var handler = new SocketsHttpHandler();
        var ownHandler = Assert.Throws<ArgumentException>(() => GrpcChannel.ForAddress("http://127.0.0.1:1",
            new GrpcChannelOptions { KeepAlivePingDelay = TimeSpan.FromSeconds(30), HttpHandler = handler }));

        Assert.Contains("at least 1 second", tooShort.Message);
        Assert.Contains("GrpcChannelOptions.HttpHandler", ownHandler.Message);
    }
}
