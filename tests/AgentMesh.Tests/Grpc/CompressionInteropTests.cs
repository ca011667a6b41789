using System.Collections.Concurrent;
using System.Text.Json;
using AgentMesh.Grpc;
using AgentMesh.Grpc.Client;
using AgentMesh.Tests.Grpc.Protos;
using Google.Protobuf;
using Xunit;
using static AgentMesh.Tests.Grpc.EchoMethods;

namespace AgentMesh.Tests.Grpc;

/// <summary>gzip message compression against official peers: grpc-js (client and server) and Python grpcio (a server that compresses).</summary>
public sealed class CompressionInteropTests
{
    private static readonly ByteString Zeros = ByteString.CopyFrom(new byte[64 * 1024]);

    [Fact]
    public async Task Grpc_js_client_sends_gzip_requests_and_reads_our_gzip_responses()
    {
        await using var server = await GrpcTestServer.StartAsync();
        using var peer = NodePeer.Start("echo-gzip-client.js", new Uri(server.Address).Authority);

        var output = await peer.ReadJsonAsync();

        var unary = output.GetProperty("unary");
        Assert.True(unary.GetProperty("requestCompressed").GetBoolean(), unary.ToString());
        AssertZeros(unary);
        Assert.Equal("a:gz,b:gz", output.GetProperty("clientStream").GetProperty("message").GetString());
        var stream = output.GetProperty("serverStream");
        Assert.Equal(0, stream.GetProperty("code").GetInt32());
        var replies = stream.GetProperty("replies").EnumerateArray().ToList();
        Assert.Equal(new[] { 0, 1, 2 }, replies.Select(r => r.GetProperty("index").GetInt32()));
        Assert.All(replies, AssertZeros);
    }

    [Fact]
    public async Task Our_gzip_requests_are_read_by_a_grpc_js_server()
    {
        using var peer = NodePeer.Start("echo-server.js");
        var port = (await peer.ReadJsonAsync()).GetProperty("port").GetInt32();
        using var recorder = new RecordingHandler();
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}",
            new GrpcChannelOptions { CompressionEncoding = "gzip", HttpHandler = recorder });

        var reply = await channel.UnaryAsync(Unary, new EchoRequest { Message = "gz", Payload = Zeros }).WaitAsync(WaitLimit);

        Assert.Equal(Zeros, reply.Payload);
        var sent = Assert.Single(recorder.Requests);
        Assert.Equal("gzip", sent.Encoding);
        Assert.Equal(1, sent.Body![0]);
        Assert.True(sent.Body.Length < Zeros.Length / 10);

        using var call = channel.ClientStreaming(ClientStream);
        await call.RequestStream.WriteAsync(new EchoRequest { Message = "a", Payload = Zeros }).WaitAsync(WaitLimit);
        await call.RequestStream.WriteAsync(new EchoRequest { Message = "b", Payload = Zeros }).WaitAsync(WaitLimit);
        await call.RequestStream.CompleteAsync();
        Assert.Equal("a,b", (await call.ResponseAsync.WaitAsync(WaitLimit)).Message);
    }

    [Fact]
    public async Task Our_client_reads_gzip_responses_of_a_grpcio_server()
    {
        using var peer = NodePeer.Start("echo_server.py");
        var address = $"http://127.0.0.1:{(await peer.ReadJsonAsync()).GetProperty("port").GetInt32()}";
        var message = new string('z', 64 * 1024);
        using var raw = new RawGrpcClient(address);
        using var channel = GrpcChannel.ForAddress(address);

        using var response = await raw.SendAsync("/agentmesh.test.Echo/Unary", new ByteArrayContent(GrpcFrames.Frame(new EchoRequest { Message = message })),
            headers: new() { ["grpc-accept-encoding"] = "identity,gzip" });
        var frame = GrpcFrames.Split(await response.Content.ReadAsByteArrayAsync()).Single();
        Assert.Equal("gzip", RawGrpcClient.Header(response.Headers, "grpc-encoding"));
        Assert.Equal(1, frame.Flag);

        var reply = await channel.UnaryAsync(Unary, new EchoRequest { Message = message }).WaitAsync(WaitLimit);
        Assert.Equal(message, reply.Message);

        using var stream = channel.ServerStreaming(ServerStream, new EchoRequest { Message = "s" });
        var messages = new List<string>();
        while (await stream.ResponseStream.MoveNext().WaitAsync(WaitLimit))
        {
            messages.Add(stream.ResponseStream.Current.Message);
        }

        Assert.Equal(new[] { "s", "s" }, messages);
    }

    private static void AssertZeros(JsonElement reply)
    {
        Assert.Equal(Zeros.Length, reply.GetProperty("payloadLength").GetInt32());
        Assert.True(reply.GetProperty("payloadZeros").GetBoolean());
    }

    /// <summary>A real <see cref="SocketsHttpHandler"/> that also records the <c>grpc-encoding</c> and buffered body of each request.</summary>
    private sealed class RecordingHandler() : DelegatingHandler(new SocketsHttpHandler())
    {
        public ConcurrentQueue<(string? Encoding, byte[]? Body)> Requests { get; } = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is ByteArrayContent buffered ? await buffered.ReadAsByteArrayAsync(cancellationToken) : null;
            var encoding = request.Headers.TryGetValues("grpc-encoding", out var values) ? string.Join(",", values) : null;
            Requests.Enqueue((encoding, body));
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
