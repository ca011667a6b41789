using System.Text.Json;
using AgentMesh.Grpc;
using AgentMesh.Grpc.Client;
using AgentMesh.Tests.Grpc.Protos;
using Xunit;
using static AgentMesh.Tests.Grpc.EchoMethods;

namespace AgentMesh.Tests.Grpc;

/// <summary>Interop with the official grpc-js implementation (node_modules/@grpc/grpc-js), in both directions.</summary>
public sealed class NodePeerTests
{
    [Fact]
    public async Task Grpc_js_client_calls_our_server()
    {
        await using var server = await GrpcTestServer.StartAsync();
        using var peer = NodePeer.Start("echo-client.js", new Uri(server.Address).Authority);

        var output = await peer.ReadJsonAsync();

        var unary = output.GetProperty("unary");
        Assert.Equal(0, unary.GetProperty("code").GetInt32());
        Assert.Equal("hello from node", unary.GetProperty("reply").GetProperty("message").GetString());
        var echoed = unary.GetProperty("reply").GetProperty("metadata").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("x-user=node-peer", echoed);
        Assert.Contains("x-trace-bin=AAEC+v8=", echoed);
        Assert.StartsWith("grpc-node-js/", echoed.Single(e => e!.StartsWith("user-agent="))!["user-agent=".Length..]);

        var stream = output.GetProperty("stream");
        Assert.Equal(0, stream.GetProperty("code").GetInt32());
        Assert.Equal(new[] { "s:0", "s:1", "s:2" }, stream.GetProperty("messages").EnumerateArray().Select(e => e.GetString()));

        var error = output.GetProperty("error");
        Assert.Equal((int)StatusCode.NotFound, error.GetProperty("code").GetInt32());
        Assert.Equal("nicht gefunden – ü", error.GetProperty("details").GetString());
        Assert.Equal("from-handler", error.GetProperty("trailers").GetProperty("x-error-info").GetString());
        Assert.Equal("010203", error.GetProperty("errorBin").GetString());
    }

    [Fact]
    public async Task Our_client_calls_a_grpc_js_server()
    {
        using var peer = NodePeer.Start("echo-server.js");
        var port = (await peer.ReadJsonAsync()).GetProperty("port").GetInt32();
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var headers = new Metadata { { "x-user", "dotnet" }, { "x-trace-bin", new byte[] { 0, 1, 2, 250, 255 } } };

        var reply = await channel.UnaryAsync(Unary, new EchoRequest { Message = "hi node" }, new CallOptions(headers)).WaitAsync(WaitLimit);
        Assert.Equal("hi node", reply.Message);
        Assert.Contains("x-user=dotnet", reply.Metadata);
        Assert.Contains("x-trace-bin=AAEC+v8=", reply.Metadata);

        var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(Unary,
            new EchoRequest { StatusCode = (int)StatusCode.PermissionDenied, StatusDetail = "verboten – ☃" }).WaitAsync(WaitLimit));
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal("verboten – ☃", error.Status.Detail);
        Assert.Equal("from-node", error.Trailers.GetValue("x-error-info"));
        Assert.Equal(new byte[] { 1, 2, 3 }, error.Trailers.GetValueBytes("x-error-bin"));

        using var stream = channel.ServerStreaming(ServerStream, new EchoRequest { Message = "s", Count = 3 });
        var messages = new List<string>();
        while (await stream.ResponseStream.MoveNext().WaitAsync(WaitLimit))
        {
            messages.Add($"{stream.ResponseStream.Current.Message}:{stream.ResponseStream.Current.Index}");
        }

        Assert.Equal(new[] { "s:0", "s:1", "s:2" }, messages);
        Assert.Equal(StatusCode.OK, stream.GetStatus().StatusCode);

        using var clientStream = channel.ClientStreaming(ClientStream);
        await clientStream.RequestStream.WriteAsync(new EchoRequest { Message = "a" }).WaitAsync(WaitLimit);
        await clientStream.RequestStream.WriteAsync(new EchoRequest { Message = "b" }).WaitAsync(WaitLimit);
        await clientStream.RequestStream.CompleteAsync();
        Assert.Equal("a,b", (await clientStream.ResponseAsync.WaitAsync(WaitLimit)).Message);

        using var duplex = channel.DuplexStreaming(Duplex);
        await duplex.RequestStream.WriteAsync(new EchoRequest { Message = "ping" }).WaitAsync(WaitLimit);
        Assert.True(await duplex.ResponseStream.MoveNext().WaitAsync(WaitLimit));
        Assert.Equal("ping", duplex.ResponseStream.Current.Message);
        await duplex.RequestStream.CompleteAsync();
        Assert.False(await duplex.ResponseStream.MoveNext().WaitAsync(WaitLimit));
    }
}
