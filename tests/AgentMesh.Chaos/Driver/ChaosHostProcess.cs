using System.Diagnostics;
using System.Globalization;
using AgentMesh.Chaos.Host;

namespace AgentMesh.Chaos.Driver;

/// <summary>
/// One host process (<c>dotnet AgentMesh.Chaos.dll host …</c>) of a run: started on the run's port,
/// file and journal, ready when it prints <see cref="ChaosHost.ReadyLine"/>, ended by SIGKILL. Its
/// stdout and stderr go to <c>host-{generation}.log</c> in the run's folder.
/// </summary>
internal sealed class ChaosHostProcess : IDisposable
{
    private readonly Process _process;
    private readonly TextWriter _log;

    private ChaosHostProcess(Process process, TextWriter log, int generation, TimeSpan startup)
    {
        _process = process;
        _log = log;
        Generation = generation;
        Startup = startup;
    }

    /// <summary>1 for the first host of the run, +1 per restart.</summary>
    public int Generation { get; }

    /// <summary>From process start to the ready line.</summary>
    public TimeSpan Startup { get; }

    /// <summary>Completes if the process exits (it should only ever be killed).</summary>
    public Task Exited => _process.WaitForExitAsync();

    /// <summary>Starts host <paramref name="generation"/> and waits (at most 60 s) for its ready line; throws with its log when it exits first.</summary>
    public static async Task<ChaosHostProcess> StartAsync(string hostDll, int port, RunFiles files, int generation, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[]
        {
            hostDll, "host", "--port", port.ToString(CultureInfo.InvariantCulture), "--database", files.Database,
            "--journal", files.Journal, "--generation", generation.ToString(CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(argument);
        }

        var clock = Stopwatch.StartNew();
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var log = TextWriter.Synchronized(new StreamWriter(files.HostLog(generation)) { AutoFlush = true });
        _ = CopyAsync(process.StandardError, log);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                log.WriteLine(line);
                if (line.StartsWith(ChaosHost.ReadyLine, StringComparison.Ordinal))
                {
                    _ = CopyAsync(process.StandardOutput, log);
                    return new ChaosHostProcess(process, log, generation, clock.Elapsed);
                }
            }
        }
        catch
        {
            process.Kill();
            process.Dispose();
            log.Dispose();
            throw;
        }

        await process.WaitForExitAsync(cancellationToken);
        var exitCode = process.ExitCode;
        process.Dispose();
        log.Dispose();
        throw new InvalidOperationException(
            $"Chaos host {generation} exited with {exitCode} before it was ready: {await File.ReadAllTextAsync(files.HostLog(generation), cancellationToken)}");
    }

    /// <summary>SIGKILL: nothing of the host's shutdown code runs.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: false);
        _process.WaitForExit();
    }

    /// <summary>Kills the process if it still runs and closes its log.</summary>
    public void Dispose()
    {
        Kill();
        _process.Dispose();
        _log.Dispose();
    }

    private static async Task CopyAsync(StreamReader reader, TextWriter log)
    {
        try
        {
            while (await reader.ReadLineAsync() is { } line)
                log.WriteLine(line);
        }
        catch (Exception e) when (e is ObjectDisposedException or IOException or InvalidOperationException)
        {
            // The process or its log was disposed: the run is over.
        }
    }
}
