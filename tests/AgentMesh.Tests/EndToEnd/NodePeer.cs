using System.Diagnostics;
using System.Text.Json;

namespace AgentMesh.Tests.EndToEnd;

/// <summary>
/// A peer script from EndToEnd/peers: grpc-js run with <c>node</c>, or Python grpcio run with Debian's
/// <c>/usr/bin/python3</c>; stdout lines are JSON.
/// </summary>
public sealed class NodePeer : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stderr;

    private NodePeer(Process process)
    {
        _process = process;
        _stderr = process.StandardError.ReadToEndAsync();
    }

    /// <summary>Runs a script of EndToEnd/peers: <c>.py</c> with Debian's python3, anything else with node.</summary>
    public static NodePeer Start(string script, params string[] arguments)
        => Run(script.EndsWith(".py", StringComparison.Ordinal) ? "/usr/bin/python3" : "node", script, arguments);

    private static NodePeer Run(string interpreter, string script, string[] arguments)
    {
        var start = new ProcessStartInfo(interpreter)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        start.ArgumentList.Add(Path.Combine(RepoPaths.Root, "tests", "AgentMesh.Tests", "EndToEnd", "peers", script));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return new NodePeer(Process.Start(start) ?? throw new InvalidOperationException($"{interpreter} did not start"));
    }

    /// <summary>The next stdout line as JSON; fails with the script's stderr when it exits first.</summary>
    public async Task<JsonElement> ReadJsonAsync()
    {
        var line = await _process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (line is null)
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            throw new InvalidOperationException($"{Path.GetFileName(_process.StartInfo.FileName)} exited with {_process.ExitCode}: {await _stderr}");
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
