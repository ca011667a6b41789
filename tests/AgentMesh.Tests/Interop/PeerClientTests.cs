namespace AgentMesh.Tests.Interop;

/// <summary>AgentMesh server ← the official Python and Ruby interop clients and our grpc-js one, every case each implements.</summary>
public sealed class PeerClientTests(InteropServerFixture fixture) : IClassFixture<InteropServerFixture>
{
    public static TheoryData<string, string> Cases() => InteropPeers.Matrix(InteropPeers.ClientPeers, InteropPeers.ClientCases);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Peer_client_passes_against_our_server(string peer, string testCase)
    {
        var errorsBefore = fixture.Server.Logs.Errors.Count;
        using var client = await InteropPeers.StartClientAsync(peer, fixture.Server.Port, testCase);

        var exitCode = await client.WaitForExitAsync(TimeSpan.FromSeconds(90));

        Assert.True(exitCode == 0, $"The {peer} client failed {testCase} (exit code {exitCode}): {client.CommandLine}\n{client.Output}");
        Assert.Empty(fixture.Server.Logs.Errors.Skip(errorsBefore));
    }
}
