using AgentMesh.Interop.Client;

namespace AgentMesh.Tests.Interop;

/// <summary>AgentMesh client → the official Python and Ruby interop servers and our grpc-js one, every case they serve.</summary>
public sealed class PeerServerTests(PeerServerFixture servers) : IClassFixture<PeerServerFixture>
{
    public static TheoryData<string, string> Cases() => InteropPeers.Matrix(InteropPeers.ServerCases);

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
