using System.Diagnostics;
using System.Text;

namespace AgentMesh.Tests.Interop;

/// <summary>An interop peer running as a process, its output collected; killed (with its children) in Dispose.</summary>
public sealed class PeerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<string> _firstLine = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private PeerProcess(Process process, string commandLine)
    {
        _process = process;
        CommandLine = commandLine;
    }

    /// <summary>The command as a shell would show it, for failure messages.</summary>
    public string CommandLine { get; }

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public static PeerProcess Start(string fileName, string workingDirectory, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        var peer = new PeerProcess(process, $"(cd {workingDirectory} && {fileName} {string.Join(' ', start.ArgumentList)})");
        process.OutputDataReceived += (_, line) => peer.Collect(line.Data, stdout: true);
        process.ErrorDataReceived += (_, line) => peer.Collect(line.Data, stdout: false);
        if (!process.Start())
        {
            throw new InvalidOperationException($"{fileName} did not start.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return peer;
    }

    /// <summary>The first stdout line (e.g. a server's <c>{"port": N}</c>); fails with the output when the process exits first.</summary>
    public Task<string> FirstLineAsync() => _firstLine.Task.WaitAsync(TimeSpan.FromSeconds(60));

    /// <summary>Waits for the exit and returns the exit code; kills the process and throws <see cref="TimeoutException"/> after <paramref name="limit"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan limit)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            Dispose();
            throw new TimeoutException($"{CommandLine} did not exit within {limit.TotalSeconds:0} s. Output:\n{Output}");
        }

        _process.WaitForExit(); // drains the redirected output
        return _process.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // never started or already reaped
        }

        _process.Dispose();
    }

    private void Collect(string? line, bool stdout)
    {
        if (line is null)
        {
            if (stdout)
            {
                _firstLine.TrySetException(new InvalidOperationException($"{CommandLine} ended its output first. Output:\n{Output}"));
            }

            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (stdout)
        {
            _firstLine.TrySetResult(line);
        }
    }
}
