using System.Collections.Concurrent;
using AgentMesh.Grpc;
using AgentMesh.Grpc.Client;
using AgentMesh.Tests.Grpc.Protos;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static AgentMesh.Tests.Grpc.EchoMethods;

namespace AgentMesh.Tests.Grpc.Interceptors;

/// <summary>Server interceptors on a real Kestrel server, called over loopback by our client and grpc-js.</summary>
public sealed class ServerInterceptorTests
{
    private static readonly Metadata Alice = new() { { "authorization", "Bearer alice" } };

    [Fact]
    public async Task Auth_interceptor_rejects_calls_of_every_type_with_UNAUTHENTICATED()
    {
        var recorder = new StatusRecorder();
        await using var server = await GrpcTestServer.StartAsync(options =>
        {
            options.Interceptors.Add(recorder);
            options.Interceptors.Add(new HeaderAuthInterceptor("authorization", "Bearer alice"));
        });
        using var channel = GrpcChannel.ForAddress(server.Address);
        var stranger = new CallOptions(new Metadata { { "authorization", "Bearer mallory" } });

        var unary = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(Unary, new EchoRequest { ProbeKey = "unary" }, stranger).WaitAsync(WaitLimit));
        using var serverStream = channel.ServerStreaming(ServerStream, new EchoRequest { Count = 2, ProbeKey = "server" });
        var serverStreamError = await Assert.ThrowsAsync<RpcException>(() => serverStream.ResponseStream.MoveNext().WaitAsync(WaitLimit));
        using var clientStream = channel.ClientStreaming(ClientStream, stranger);
        await clientStream.RequestStream.CompleteAsync();
        var clientStreamError = await Assert.ThrowsAsync<RpcException>(() => clientStream.ResponseAsync.WaitAsync(WaitLimit));
        using var duplex = channel.DuplexStreaming(Duplex);
        await duplex.RequestStream.CompleteAsync();
        var duplexError = await Assert.ThrowsAsync<RpcException>(() => duplex.ResponseStream.MoveNext().WaitAsync(WaitLimit));
        var allowed = await channel.UnaryAsync(Unary, new EchoRequest { Message = "hi" }, new CallOptions(Alice)).WaitAsync(WaitLimit);

        Assert.All(new[] { unary, serverStreamError, clientStreamError, duplexError }, error =>
        {
            Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
            Assert.Equal("The authorization header does not name a known caller.", error.Status.Detail);
        });
        Assert.Equal("hi", allowed.Message);
        Assert.Equal(new[] { StatusCode.Unauthenticated, StatusCode.OK }, await recorder.StatusesAsync("/agentmesh.test.Echo/Unary", 2));
        Assert.Equal(new[] { StatusCode.Unauthenticated }, await recorder.StatusesAsync("/agentmesh.test.Echo/Duplex", 1));
        Assert.False(server.Probe.OutcomeAsync("unary").IsCompleted, "the handler must not run for a rejected call");
    }

    [Fact]
    public async Task Metrics_interceptor_sees_the_final_status_of_all_four_call_types()
    {
        var recorder = new StatusRecorder();
        await using var server = await GrpcTestServer.StartAsync(options => options.Interceptors.Add(recorder));
        using var channel = GrpcChannel.ForAddress(server.Address);

        await channel.UnaryAsync(Unary, new EchoRequest { Message = "ok" }).WaitAsync(WaitLimit);
        await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(Unary, new EchoRequest { StatusCode = (int)StatusCode.NotFound }).WaitAsync(WaitLimit));
        await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(Unary, new EchoRequest { Message = "throw" }).WaitAsync(WaitLimit));

        using (var stream = channel.ServerStreaming(ServerStream, new EchoRequest { Message = "s", Count = 2 }))
        {
            Assert.Equal(2, await stream.ResponseStream.ReadAllAsync().CountAsync().AsTask().WaitAsync(WaitLimit));
        }

        using (var failing = channel.ServerStreaming(ServerStream, new EchoRequest { Count = 2, StatusCode = (int)StatusCode.Aborted }))
        {
            await Assert.ThrowsAsync<RpcException>(() => failing.ResponseStream.ReadAllAsync().CountAsync().AsTask().WaitAsync(WaitLimit));
        }

        using (var upload = channel.ClientStreaming(ClientStream))
        {
            await upload.RequestStream.WriteAsync(new EchoRequest { Message = "a" });
            await upload.RequestStream.CompleteAsync();
            await upload.ResponseAsync.WaitAsync(WaitLimit);
        }

        using (var duplex = channel.DuplexStreaming(Duplex))
        {
            await duplex.RequestStream.WriteAsync(new EchoRequest { Message = "first" });
            Assert.True(await duplex.ResponseStream.MoveNext().WaitAsync(WaitLimit));
            await duplex.RequestStream.WriteAsync(new EchoRequest { Message = "wait", DelayMs = 20_000 });
        } // disposed mid-call: the server sees CANCELLED

        Assert.Equal(new[] { StatusCode.OK, StatusCode.NotFound, StatusCode.Unknown }, await recorder.StatusesAsync("/agentmesh.test.Echo/Unary", 3));
        Assert.IsType<InvalidOperationException>(recorder.Calls.Single(call => call.Code == StatusCode.Unknown).Cause);
        Assert.Equal(new[] { StatusCode.OK, StatusCode.Aborted }, await recorder.StatusesAsync("/agentmesh.test.Echo/ServerStream", 2));
        Assert.Equal(new[] { StatusCode.OK }, await recorder.StatusesAsync("/agentmesh.test.Echo/ClientStream", 1));
        Assert.Equal(new[] { StatusCode.Cancelled }, await recorder.StatusesAsync("/agentmesh.test.Echo/Duplex", 1));
    }

    [Fact]
    public async Task Interceptors_run_outermost_first_and_types_are_resolved_once_from_DI()
    {
        var trace = new ConcurrentQueue<string>();
        await using var server = await GrpcTestServer.StartAsync(
            options =>
            {
                options.Interceptors.Add(new TracingServerInterceptor("outer", trace));
                options.Interceptors.Add<CountingInterceptor>();
                options.Interceptors.Add(new TracingServerInterceptor("inner", trace));
            },
            services: services => services.AddSingleton(trace));
        using var channel = GrpcChannel.ForAddress(server.Address);

        await channel.UnaryAsync(Unary, new EchoRequest()).WaitAsync(WaitLimit);
        await channel.UnaryAsync(Unary, new EchoRequest()).WaitAsync(WaitLimit);

        var counting = trace.First(entry => entry.StartsWith("counting#", StringComparison.Ordinal))[..^1];
        var expected = new[] { "outer>", $"{counting}>", "inner>", "<inner", $"<{counting}", "<outer" };
        Assert.Equal(expected.Concat(expected), trace);
    }

    [Fact]
    public async Task Grpc_js_client_calls_a_server_with_an_auth_interceptor()
    {
        await using var server = await GrpcTestServer.StartAsync(options => options.Interceptors.Add(new HeaderAuthInterceptor("x-user", "node-peer")));
        using var peer = NodePeer.Start("echo-client.js", new Uri(server.Address).Authority);

        var output = await peer.ReadJsonAsync();

        // echo-client.js sends x-user only with its first unary call.
        Assert.Equal(0, output.GetProperty("unary").GetProperty("code").GetInt32());
        Assert.Equal("hello from node", output.GetProperty("unary").GetProperty("reply").GetProperty("message").GetString());
        Assert.Equal((int)StatusCode.Unauthenticated, output.GetProperty("stream").GetProperty("code").GetInt32());
        Assert.Equal("The x-user header does not name a known caller.", output.GetProperty("stream").GetProperty("details").GetString());
        Assert.Equal((int)StatusCode.Unauthenticated, output.GetProperty("error").GetProperty("code").GetInt32());
    }

    /// <summary>Resolved from DI (its dependency is the registered trace); numbers its instances.</summary>
    public sealed class CountingInterceptor(ConcurrentQueue<string> trace) : AgentMesh.Grpc.Interceptors.ServerInterceptor
    {
        private static int _instances;
        private readonly int _number = Interlocked.Increment(ref _instances);

        public override async Task<TResponse> UnaryHandler<TRequest, TResponse>(
            TRequest request, ServerCallContext context, AgentMesh.Grpc.Interceptors.UnaryServerMethod<TRequest, TResponse> continuation)
        {
            trace.Enqueue($"counting#{_number}>");
            var response = await continuation(request, context);
            trace.Enqueue($"<counting#{_number}");
            return response;
        }
    }
}
