using System.Diagnostics;
using System.Text.Json;

namespace AgentMesh.Tests.Grpc;

/// <summary>A grpc-js script from Grpc/peers run with <c>node</c>; stdout lines are JSON.</summary>
public sealed class NodePeer : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stderr;

    private NodePeer(Process process)
    {
        _process = process;
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public static NodePeer Start(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        start.ArgumentList.Add(Path.Combine(RepoPaths.Root, "tests", "AgentMesh.Tests", "Grpc", "peers", script));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return new NodePeer(Process.Start(start) ?? throw new InvalidOperationException("node did not start"));
    }

    /// <summary>The next stdout line as JSON; fails with the script's stderr when it exits first.</summary>
    public async Task<JsonElement> ReadJsonAsync()
    {
        var line = await _process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (line is null)
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            throw new InvalidOperationException($"node exited with {_process.ExitCode}: {await _stderr}");
        }

        return JsonDocument.Parse(line).RootElement.Clone();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
