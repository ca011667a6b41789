using System.Diagnostics;
using System.Text.Json;
using AgentMesh.Grpc.Health;
using AgentMesh.Grpc.Reflection;
using Xunit;

namespace AgentMesh.Tests.Grpc.Lifecycle;

/// <summary>
/// Health and reflection checked by official peers: npm grpc-js-reflection-client (both protocol
/// versions; it calls a method using only what reflection returned), grpc-js with proto-loader and
/// Python grpcio with protoc stubs, both from grpc-proto's health.proto (Debian).
/// </summary>
public sealed class StandardServicesPeerTests : IAsyncLifetime
{
    private const string GrpcProtoRoot = "/usr/share/grpc-proto";

    private GrpcTestServer _server = null!;

    private string Authority => new Uri(_server.Address).Authority;

    public async Task InitializeAsync() => _server = await GrpcTestServer.StartAsync(
        options => options.ShutdownDrainTimeout = TimeSpan.FromSeconds(5),
        services: services => services.AddGrpcHealth(),
        map: app =>
        {
            app.MapGrpcHealthService();
            app.MapGrpcReflectionService();
        });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("v1")]
    [InlineData("v1alpha")]
    public async Task The_reflection_client_lists_services_and_calls_Echo_and_health_from_reflected_descriptors(string version)
    {
        using var peer = NodePeer.Start("reflection-client.js", Authority, version, "agentmesh.test.Echo", "Unary", """{"message":"via reflection"}""");

        var output = await peer.ReadJsonAsync();

        Assert.Equal(
            new[] { "agentmesh.test.Echo", "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection" },
            Strings(output.GetProperty("services")).Order(StringComparer.Ordinal));
        Assert.Equal(
            EchoService.Descriptor.Methods.Select(method => method.Name).Order(StringComparer.Ordinal),
            Strings(output.GetProperty("methods")).Order(StringComparer.Ordinal));
        Assert.Equal("via reflection", output.GetProperty("reply").GetProperty("message").GetString());
        Assert.Equal("SERVING", output.GetProperty("health").GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_grpc_js_health_client_checks_and_watches_until_the_host_stops()
    {
        using var peer = NodePeer.Start("health-client.js", Authority, GrpcProtoRoot, "agentmesh.test.Echo");

        await AssertChecksThenWatchUntilStopAsync(peer);
    }

    [Fact]
    public async Task A_Python_grpcio_health_client_checks_and_watches_until_the_host_stops()
    {
        var stubs = Directory.CreateTempSubdirectory("agentmesh-health-stubs-");
        try
        {
            await GeneratePythonStubsAsync(stubs.FullName);
            using var peer = NodePeer.Start("health_client.py", Authority, stubs.FullName, "agentmesh.test.Echo");

            await AssertChecksThenWatchUntilStopAsync(peer);
        }
        finally
        {
            stubs.Delete(recursive: true);
        }
    }

    /// <summary>Both health peers print the same lines: check, checkUnknown, watch..., end (statuses and codes by name).</summary>
    private async Task AssertChecksThenWatchUntilStopAsync(NodePeer peer)
    {
        var check = (await peer.ReadJsonAsync()).GetProperty("check");
        var unknown = (await peer.ReadJsonAsync()).GetProperty("checkUnknown");
        var first = (await peer.ReadJsonAsync()).GetProperty("watch");

        var stop = _server.StopAsync();
        var afterStop = (await peer.ReadJsonAsync()).GetProperty("watch");
        var end = (await peer.ReadJsonAsync()).GetProperty("end");
        await stop.WaitAsync(EchoMethods.WaitLimit);

        Assert.Equal("SERVING", check.GetProperty("status").GetString());
        Assert.Equal("NOT_FOUND", unknown.GetProperty("code").GetString());
        Assert.Equal("SERVING", first.GetString());
        Assert.Equal("NOT_SERVING", afterStop.GetString());
        Assert.Equal("OK", end.GetString());
    }

    /// <summary>protoc (Debian protobuf-compiler-grpc) generates the stubs from grpc-proto's health.proto.</summary>
    private static async Task GeneratePythonStubsAsync(string directory)
    {
        var start = new ProcessStartInfo("protoc") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[]
        {
            $"-I{GrpcProtoRoot}/grpc/health/v1", $"--python_out={directory}", $"--grpc_out={directory}",
            "--plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin", "health.proto",
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var protoc = Process.Start(start)!;
        var errors = protoc.StandardError.ReadToEndAsync();
        await protoc.WaitForExitAsync().WaitAsync(EchoMethods.WaitLimit);
        Assert.True(protoc.ExitCode == 0, await errors);
    }

    private static IEnumerable<string> Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!);
}
