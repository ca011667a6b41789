using System.Collections.Concurrent;
using AgentMesh.Grpc;
using AgentMesh.Grpc.Client;
using AgentMesh.Tests.Grpc.Protos;
using Xunit;
using static AgentMesh.Tests.Grpc.EchoMethods;

namespace AgentMesh.Tests.Grpc.Interceptors;

/// <summary>Client interceptors on a real channel calling a real server over loopback.</summary>
public sealed class ClientInterceptorTests
{
    [Fact]
    public async Task Metadata_added_by_a_client_interceptor_reaches_the_server_for_every_call_type()
    {
        await using var server = await GrpcTestServer.StartAsync(options => options.Interceptors.Add(new HeaderAuthInterceptor("authorization", "Bearer alice")));
        var options = new GrpcChannelOptions();
        options.Interceptors.Add(new BearerTokenInterceptor("alice"));
        using var channel = GrpcChannel.ForAddress(server.Address, options);
        var callerHeaders = new Metadata { { "x-user", "alice" } };

        using var unary = channel.Unary(Unary, new EchoRequest { Message = "u" }, new CallOptions(callerHeaders));
        var reply = await unary.ResponseAsync.WaitAsync(WaitLimit);
        using var stream = channel.ServerStreaming(ServerStream, new EchoRequest { Message = "s", Count = 1 });
        Assert.True(await stream.ResponseStream.MoveNext().WaitAsync(WaitLimit));
        using var upload = channel.ClientStreaming(ClientStream);
        await upload.RequestStream.WriteAsync(new EchoRequest { Message = "c" });
        await upload.RequestStream.CompleteAsync();
        using var duplex = channel.DuplexStreaming(Duplex);
        await duplex.RequestStream.WriteAsync(new EchoRequest { Message = "d" });
        await duplex.RequestStream.CompleteAsync();

        Assert.Contains("authorization=Bearer alice", reply.Metadata);
        Assert.Contains("x-user=alice", reply.Metadata);
        Assert.Equal(StatusCode.OK, unary.GetStatus().StatusCode);
        Assert.Equal("alice", unary.GetTrailers().GetValue("x-user"));
        Assert.Single(callerHeaders); // the caller's metadata is not changed
        Assert.Contains("authorization=Bearer alice", stream.ResponseStream.Current.Metadata);
        Assert.Equal("c", (await upload.ResponseAsync.WaitAsync(WaitLimit)).Message);
        Assert.Equal(new[] { "d" }, await duplex.ResponseStream.ReadAllAsync().Select(r => r.Message).ToListAsync().AsTask().WaitAsync(WaitLimit));
    }

    [Fact]
    public async Task Client_interceptors_run_outermost_first_and_see_the_status()
    {
        await using var server = await GrpcTestServer.StartAsync();
        var trace = new ConcurrentQueue<string>();
        var options = new GrpcChannelOptions();
        options.Interceptors.Add(new TracingClientInterceptor("outer", trace));
        options.Interceptors.Add(new TracingClientInterceptor("inner", trace));
        using var channel = GrpcChannel.ForAddress(server.Address, options);

        await channel.UnaryAsync(Unary, new EchoRequest()).WaitAsync(WaitLimit);
        await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(Unary, new EchoRequest { StatusCode = (int)StatusCode.NotFound }).WaitAsync(WaitLimit));

        Assert.Equal(new[] { "outer>", "inner>", "<inner OK", "<outer OK", "outer>", "inner>", "<inner NotFound", "<outer NotFound" }, trace);
    }

    [Fact]
    public async Task A_client_interceptor_can_reject_a_call_before_it_is_sent()
    {
        var recorder = new StatusRecorder();
        await using var server = await GrpcTestServer.StartAsync(options => options.Interceptors.Add(recorder));
        var options = new GrpcChannelOptions();
        options.Interceptors.Add(new NoCredentialsInterceptor());
        using var channel = GrpcChannel.ForAddress(server.Address, options);

        var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(Unary, new EchoRequest()).WaitAsync(WaitLimit));
        using var stream = channel.ServerStreaming(ServerStream, new EchoRequest { Count = 1 }); // not intercepted: reaches the server
        await stream.ResponseStream.ReadAllAsync().ToListAsync().AsTask().WaitAsync(WaitLimit);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Equal("no credentials for /agentmesh.test.Echo/Unary", error.Status.Detail);
        Assert.Equal(new[] { "/agentmesh.test.Echo/ServerStream" }, recorder.Calls.Select(call => call.Method));
    }

    [Fact]
    public async Task A_client_interceptor_replaces_streamed_responses_and_sees_how_streams_end()
    {
        await using var server = await GrpcTestServer.StartAsync();
        var rewriter = new ResponseRewritingInterceptor();
        var options = new GrpcChannelOptions();
        options.Interceptors.Add(rewriter);
        using var channel = GrpcChannel.ForAddress(server.Address, options);

        using var stream = channel.ServerStreaming(ServerStream, new EchoRequest { Message = "s", Count = 2 });
        var messages = await stream.ResponseStream.ReadAllAsync().Select(r => r.Message).ToListAsync().AsTask().WaitAsync(WaitLimit);
        using var failing = channel.ServerStreaming(ServerStream, new EchoRequest { Message = "f", Count = 2, StatusCode = (int)StatusCode.DataLoss });
        await Assert.ThrowsAsync<RpcException>(() => failing.ResponseStream.ReadAllAsync().ToListAsync().AsTask().WaitAsync(WaitLimit));
        using var upload = channel.ClientStreaming(ClientStream);
        await upload.RequestStream.WriteAsync(new EchoRequest { Message = "a" });
        await upload.RequestStream.WriteAsync(new EchoRequest { Message = "b" });
        await upload.RequestStream.CompleteAsync();
        using var duplex = channel.DuplexStreaming(Duplex);
        await duplex.RequestStream.WriteAsync(new EchoRequest { Message = "d" });
        await duplex.RequestStream.CompleteAsync();
        var duplexMessages = await duplex.ResponseStream.ReadAllAsync().Select(r => r.Message).ToListAsync().AsTask().WaitAsync(WaitLimit);

        Assert.Equal(new[] { "S", "S" }, messages);
        Assert.Equal(StatusCode.OK, stream.GetStatus().StatusCode);
        Assert.Equal(StatusCode.DataLoss, failing.GetStatus().StatusCode);
        Assert.Equal("A,B", (await upload.ResponseAsync.WaitAsync(WaitLimit)).Message);
        Assert.Equal(StatusCode.OK, upload.GetStatus().StatusCode);
        Assert.Equal(new[] { "D" }, duplexMessages);
        Assert.Equal(new[]
        {
            ("/agentmesh.test.Echo/ServerStream", StatusCode.OK),
            ("/agentmesh.test.Echo/ServerStream", StatusCode.DataLoss),
            ("/agentmesh.test.Echo/Duplex", StatusCode.OK),
        }, rewriter.Statuses);
    }
}
