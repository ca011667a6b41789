using AgentMesh.Grpc;
using AgentMesh.Grpc.Client;
using AgentMesh.Interop;
using AgentMesh.Interop.Client;
using Grpc.Testing;

namespace AgentMesh.Tests.Interop;

/// <summary>AgentMesh client → the official Python and Ruby interop servers, our grpc-js one and our grpcio compression server, every case they serve.</summary>
public sealed class PeerServerTests(PeerServerFixture servers) : IClassFixture<PeerServerFixture>
{
    public static TheoryData<string, string> Cases() => InteropPeers.Matrix(InteropPeers.ServerPeers, InteropPeers.ServerCases);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Our_client_passes_against_the_peer_server(string peer, string testCase)
    {
        var (server, port) = await servers.StartedAsync(peer);
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = await InteropClient.RunAsync($"http://127.0.0.1:{port}", testCase, output, error);

        Assert.True(exitCode == 0, $"{error}\n{peer} server output:\n{server.Output}");
    }

    /// <summary>The official servers and grpc-js serve no CompressedRequest case, but they must read the gzip messages our client sends.</summary>
    [Theory]
    [InlineData(InteropPeers.Python)]
    [InlineData(InteropPeers.Ruby)]
    [InlineData(InteropPeers.GrpcJs)]
    public async Task The_peer_server_reads_our_gzip_compressed_requests(string peer)
    {
        var (_, port) = await servers.StartedAsync(peer);
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}", new GrpcChannelOptions { CompressionEncoding = "gzip" });
        var limit = TimeSpan.FromSeconds(30);

        var response = await channel.UnaryAsync(TestServiceMethods.UnaryCall,
            new SimpleRequest { ResponseSize = 314159, Payload = Payloads.Zeros(271828) }).WaitAsync(limit);
        using var call = channel.ClientStreaming(TestServiceMethods.StreamingInputCall);
        await call.RequestStream.WriteAsync(new StreamingInputCallRequest { Payload = Payloads.Zeros(27182) }).WaitAsync(limit);
        call.RequestStream.WriteOptions = new WriteOptions(WriteFlags.NoCompress);
        await call.RequestStream.WriteAsync(new StreamingInputCallRequest { Payload = Payloads.Zeros(45904) }).WaitAsync(limit);
        await call.RequestStream.CompleteAsync();

        Assert.Equal(314159, response.Payload.Body.Length);
        Assert.Equal(73086, (await call.ResponseAsync.WaitAsync(limit)).AggregatedPayloadSize);
    }
}

/// <summary>Each peer's interop server, started on first use and killed when the tests end.</summary>
public sealed class PeerServerFixture : IDisposable
{
    private readonly Dictionary<string, Task<(PeerProcess Process, int Port)>> _servers = new();

    public Task<(PeerProcess Process, int Port)> StartedAsync(string peer)
    {
        lock (_servers)
        {
            if (!_servers.TryGetValue(peer, out var server))
            {
                server = InteropPeers.StartServerAsync(peer);
                _servers[peer] = server;
            }

            return server;
        }
    }

    public void Dispose()
    {
        foreach (var server in _servers.Values.Where(s => s.IsCompletedSuccessfully))
        {
            server.Result.Process.Dispose();
        }
    }
}
