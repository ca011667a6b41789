using System.Diagnostics;
using System.Text.Json;
using AgentMesh.Cli.Hosting;

namespace AgentMesh.Tests.EndToEnd;

/// <summary>
/// A Python grpcio client (Debian python3-grpcio) with stubs generated from protos/agentmesh/v1 at
/// test time (protoc + grpc_python_plugin) starts a run on the all-in-one host, answers its
/// approval and watches it to the end.
/// </summary>
public sealed class PythonClientTests
{
    [Fact]
    public async Task A_python_grpcio_client_starts_a_run_answers_its_approval_and_watches_it_to_completion()
    {
        using var scenario = new ExampleScenario();
        var stubs = Path.Combine(scenario.DataDirectory, "python-stubs");
        await PythonStubs.GenerateAsync(stubs);
        await using var host = await MeshHost.StartAsync(scenario.HostOptions());

        var (exitCode, stdout, stderr) = await PeerRun.RunAsync(
            "/usr/bin/python3", [Path.Combine(RepoPaths.Root, "tests", "AgentMesh.Tests", "EndToEnd", "peers", "watch_run.py"), new Uri(host.Address).Authority, ExampleScenario.Goal, stubs]);
        Assert.True(exitCode == 0, stderr);

        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var events = lines.Where(l => !l.TryGetProperty("final", out _)).ToList();
        var final = lines.Single(l => l.TryGetProperty("final", out _)).GetProperty("final");
        Assert.Equal("RUN_STATUS_COMPLETED", final.GetProperty("status").GetString());
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), events.Select(e => e.GetProperty("sequence").GetString()));
        Assert.Contains(events, e => e.TryGetProperty("approval_resolved", out var d) && d.GetProperty("approved").GetBoolean() && d.GetProperty("reason").GetString() == "python grpcio");
        Assert.True(File.Exists(scenario.ReportPath));
    }
}

/// <summary>Generates Python protobuf and gRPC stubs of protos/agentmesh/v1 with Debian's protoc and grpc_python_plugin.</summary>
internal static class PythonStubs
{
    public static async Task GenerateAsync(string outputDirectory)
    {
        Directory.CreateDirectory(outputDirectory);
        var protos = Path.Combine(RepoPaths.Root, "protos");
        string[] arguments =
        [
            "-I", protos, "-I", WellKnownTypesInclude(),
            "--python_out=" + outputDirectory, "--grpc_out=" + outputDirectory, "--plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin",
            .. Directory.GetFiles(Path.Combine(protos, "agentmesh", "v1"), "*.proto"),
        ];
        var (exitCode, _, stderr) = await PeerRun.RunAsync("protoc", arguments);
        Assert.True(exitCode == 0, "protoc failed (apt-get install protobuf-compiler-grpc): " + stderr);
    }

    /// <summary>The well-known types (google/protobuf/*.proto) that Grpc.Tools ships, from the NuGet packages folder.</summary>
    private static string WellKnownTypesInclude()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return Directory.GetDirectories(Path.Combine(packages, "grpc.tools"))
            .Select(d => Path.Combine(d, "build", "native", "include"))
            .First(d => File.Exists(Path.Combine(d, "google", "protobuf", "timestamp.proto")));
    }
}

/// <summary>Runs a peer program to its end (at most 2 minutes) and returns its exit code and output.</summary>
internal static class PeerRun
{
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = RepoPaths.Root };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await stdout, await stderr);
    }
}
