using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AgentMesh.Bench.Workflows.Driver;

/// <summary>
/// The hub+worker host (<c>host</c> command of this executable) as a child process over a fresh SQLite
/// file, with its memory sampled from /proc/&lt;pid&gt;/status every 50 ms: VmRSS now and the kernel's
/// VmHWM (peak resident set since the process started).
/// </summary>
internal sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampler;
    private long _peakRssKb;

    private HostProcess(Process process, string directory, string address)
    {
        _process = process;
        _directory = directory;
        Address = address;
        _sampler = SampleAsync(_stop.Token);
    }

    /// <summary>The hub's gRPC address, e.g. <c>http://127.0.0.1:5000</c>.</summary>
    public string Address { get; }

    /// <summary>The SQLite file the host writes.</summary>
    public string DatabasePath => Path.Combine(_directory, "taskhub.db");

    /// <summary>Starts a host over a new database in a temp folder and waits until it listens.</summary>
    public static async Task<HostProcess> StartAsync(string? dataDirectory)
    {
        var directory = Directory.CreateTempSubdirectory(dataDirectory is null ? "agentmesh-bench-" : Path.Combine(dataDirectory, "agentmesh-bench-")).FullName;
        var port = FreePort();
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        // The JIT setting services/orchestrator ships with (TieredCompilationQuickJit=false); the driver keeps the default.
        start.Environment["DOTNET_TC_QuickJit"] = "0";
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            start.ArgumentList.Add(typeof(HostProcess).Assembly.Location);
        foreach (var arg in new[] { "host", "--db", Path.Combine(directory, "taskhub.db"), "--port", port.ToString() })
            start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line == "ready")
                return new HostProcess(process, directory, $"http://127.0.0.1:{port}");
        }
        throw new InvalidOperationException($"The host process exited ({process.ExitCode}) before it listened.");
    }

    /// <summary>Forgets the host's store profile so far.</summary>
    public Task ResetProfileAsync() => _process.StandardInput.WriteLineAsync("reset");

    /// <summary>The host's store profile since the last reset (lines "profile: …").</summary>
    public async Task<string> ProfileAsync()
    {
        await _process.StandardInput.WriteLineAsync("profile");
        var lines = new List<string>();
        while (await _process.StandardOutput.ReadLineAsync() is { } line && line != "end")
            lines.Add(line);
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>Resident set now (VmRSS), in MiB.</summary>
    public double RssMb => ReadStatusKb("VmRSS") / 1024.0;

    /// <summary>Peak resident set since the host started: the larger of the kernel's VmHWM and the sampled maximum, in MiB.</summary>
    public double PeakRssMb => Math.Max(ReadStatusKb("VmHWM"), Volatile.Read(ref _peakRssKb)) / 1024.0;

    /// <summary>CPU time (user + system) the host has used so far.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>Size of the SQLite file and its WAL, in MiB.</summary>
    public double DatabaseMb => new[] { DatabasePath, DatabasePath + "-wal" }.Where(File.Exists).Sum(p => new FileInfo(p).Length) / (1024.0 * 1024.0);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampler;
        try
        {
            await _process.StandardInput.WriteLineAsync("stop");
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task SampleAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var rss = ReadStatusKb("VmRSS");
                if (rss > Volatile.Read(ref _peakRssKb))
                    Volatile.Write(ref _peakRssKb, rss);
                await Task.Delay(50, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private long ReadStatusKb(string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            {
                if (line.StartsWith(field + ":", StringComparison.Ordinal))
                    return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0]);
            }
        }
        catch (IOException)
        {
            // The process has exited.
        }
        return 0;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
