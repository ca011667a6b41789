using System.Diagnostics;
using AgentMesh.Interop.Client;
using AgentMesh.Interop.Server;

namespace AgentMesh.Tests.Interop;

/// <summary>AgentMesh interop client → AgentMesh interop server: every case, in-process and through the command line.</summary>
public sealed class SelfInteropTests(InteropServerFixture fixture) : IClassFixture<InteropServerFixture>
{
    public static TheoryData<string> Cases() => new(InteropClient.TestCases);

    [Fact]
    public void The_client_implements_every_case_of_the_issue()
        => Assert.Equal(InteropPeers.CoreCases.Concat(InteropPeers.CompressionCases).Order(), InteropClient.TestCases.Order());

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Our_client_passes_against_our_server(string testCase)
    {
        var errorsBefore = fixture.Server.Logs.Errors.Count;
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = await InteropClient.RunAsync(fixture.Server.Address, testCase, output, error);

        Assert.True(exitCode == 0, error.ToString());
        Assert.Equal($"PASSED {testCase} against {fixture.Server.Address}", output.ToString().Trim());
        Assert.Empty(fixture.Server.Logs.Errors.Skip(errorsBefore));
    }

    [Fact]
    public async Task The_command_line_client_exits_0_when_a_case_passes()
    {
        var (exitCode, output) = await RunCommandLineAsync("client", "--server_host=127.0.0.1", $"--server_port={fixture.Server.Port}",
            "--test_case=large_unary", "--use_tls=false", "--server_host_override=foo.test.google.fr");

        Assert.True(exitCode == 0, output);
        Assert.Contains("PASSED large_unary", output);
    }

    [Fact]
    public async Task The_command_line_client_exits_1_with_the_reason_when_a_case_fails()
    {
        var (exitCode, output) = await RunCommandLineAsync("client", "--server_host=127.0.0.1", $"--server_port={ClosedPort()}", "--test_case=empty_unary");

        Assert.Equal(1, exitCode);
        Assert.Contains("FAILED empty_unary", output);
        Assert.Contains("Unavailable", output);
    }

    [Theory]
    [InlineData("client", "--server_port=1", "--test_case=no_such_case")]
    [InlineData("client", "--server_port=1", "--test_case=empty_unary", "--use_tls=true")]
    [InlineData("client", "--server_port=1", "--test_case=empty_unary", "--bogus=1")]
    [InlineData("server")]
    [InlineData("proxy")]
    public async Task The_command_line_exits_2_with_usage_for_a_bad_command_line(params string[] arguments)
    {
        var (exitCode, output) = await RunCommandLineAsync(arguments);

        Assert.Equal(2, exitCode);
        Assert.Contains("usage: agentmesh-interop", output);
    }

    private static async Task<(int ExitCode, string Output)> RunCommandLineAsync(params string[] arguments)
    {
        var dll = typeof(InteropServer).Assembly.Location;
        using var process = PeerProcess.Start("dotnet", Path.GetDirectoryName(dll)!, new[] { dll }.Concat(arguments));
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(90));
        return (exitCode, process.Output);
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
