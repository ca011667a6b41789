using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace AgentMesh.Bench.Orchestration.Harness;

/// <summary>One measured pass of a side: throughput, latencies, CPU ms per run and peak RSS by process label.</summary>
internal sealed record Measurement(double RunsPerSecond, double P50Ms, double P95Ms, Dictionary<string, double> CpuMsPerRun, Dictionary<string, double> PeakRssMb);

/// <summary>Starts a side's processes, lets its runner run, and measures it (or, with strace, counts its fsyncs).</summary>
internal static class SideRun
{
    /// <summary>One pass: <paramref name="runs"/> runs, at most <paramref name="concurrency"/> at once, after <paramref name="warmup"/> unmeasured ones.</summary>
    public static async Task<Measurement> MeasureAsync(SideSpec side, string repo, int runs, int concurrency, int warmup)
    {
        var (measurement, _) = await RunAsync(side, repo, runs, concurrency, warmup, fsyncLog: null);
        return measurement;
    }

    /// <summary>fsync + fdatasync calls of the process holding the side's store (strace -f -c), per run, start-up included.</summary>
    public static async Task<double> FsyncsPerRunAsync(SideSpec side, string repo, int runs, int concurrency)
    {
        var log = Path.GetTempFileName();
        await RunAsync(side, repo, runs, concurrency, warmup: 0, fsyncLog: log);
        var calls = File.ReadLines(log)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(cols => cols.Length >= 5 && cols[^1] is "fsync" or "fdatasync")
            .Sum(cols => long.Parse(cols[3], CultureInfo.InvariantCulture));
        File.Delete(log);
        return (double)calls / runs;
    }

    private static async Task<(Measurement, int)> RunAsync(SideSpec side, string repo, int runs, int concurrency, int warmup, string? fsyncLog)
    {
        var data = Directory.CreateTempSubdirectory($"agentmesh-bench-{side.Name}-").FullName;
        var context = new SideContext(repo, data, FreePort());
        Process? host = null;
        try
        {
            if (side.Host is { } hostCommand)
                host = Start(side.StoreInHost && fsyncLog is not null ? Traced(hostCommand(context), fsyncLog) : hostCommand(context));
            var runnerCommand = side.Runner(context);
            foreach (var arg in new[] { "--runs", $"{runs}", "--concurrency", $"{concurrency}", "--warmup", $"{warmup}", "--data", data, "--workload", context.Workload })
                runnerCommand.ArgumentList.Add(arg);
            using var runner = Start(!side.StoreInHost && fsyncLog is not null ? Traced(runnerCommand, fsyncLog) : runnerCommand);

            Dictionary<string, double>? cpuAtStart = null;
            Dictionary<string, double>? cpuAtEnd = null;
            Dictionary<string, double>? rss = null;
            JsonElement? result = null;
            while (await runner.StandardOutput.ReadLineAsync() is { } line)
            {
                if (line == "measure-start")
                    cpuAtStart = CpuByLabel(runner, host);
                else if (line.StartsWith("result ", StringComparison.Ordinal))
                {
                    cpuAtEnd = CpuByLabel(runner, host);
                    rss = Trees(runner, host).GroupBy(s => s.Label).ToDictionary(g => g.Key, g => g.Max(s => s.PeakRssMb));
                    result = JsonDocument.Parse(line["result ".Length..]).RootElement.Clone();
                }
            }
            await runner.WaitForExitAsync();
            if (runner.ExitCode != 0 || result is not { } r || cpuAtStart is null)
                throw new InvalidOperationException($"The {side.Name} runner failed (exit {runner.ExitCode}); see its stderr above.");

            var latencies = r.GetProperty("latenciesMs").EnumerateArray().Select(l => l.GetDouble()).Order().ToList();
            var cpu = cpuAtEnd!.ToDictionary(p => p.Key, p => (p.Value - cpuAtStart.GetValueOrDefault(p.Key)) / runs);
            return (new Measurement(runs / (r.GetProperty("wallMs").GetDouble() / 1000), Percentile(latencies, 50), Percentile(latencies, 95), cpu, rss!), runs);
        }
        finally
        {
            if (host is not null)
                await StopAsync(host);
            Directory.Delete(data, recursive: true);
        }
    }

    private static Dictionary<string, double> CpuByLabel(Process runner, Process? host)
        => Trees(runner, host).Where(s => s.Label != "strace").GroupBy(s => s.Label).ToDictionary(g => g.Key, g => g.Sum(s => s.CpuMs));

    private static IEnumerable<ProcessTree.Sample> Trees(Process runner, Process? host)
        => ProcessTree.Read(runner.Id, "runner").Concat(host is null ? [] : ProcessTree.Read(host.Id, "host"))
            .Select(s => s.Label is "dotnet" or "node" ? s with { Label = s.Pid == runner.Id ? "runner" : "host" } : s);

    private static Process Start(ProcessStartInfo start) => Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");

    private static ProcessStartInfo Traced(ProcessStartInfo inner, string log)
    {
        var start = new ProcessStartInfo("strace") { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var arg in new[] { "-f", "-qq", "--seccomp-bpf", "-e", "trace=fsync,fdatasync", "-c", "-o", log, inner.FileName })
            start.ArgumentList.Add(arg);
        foreach (var arg in inner.ArgumentList)
            start.ArgumentList.Add(arg);
        return start;
    }

    /// <summary>SIGTERM to the host (or, under strace, to the host strace runs), then SIGKILL after 15 s.</summary>
    private static async Task StopAsync(Process host)
    {
        var target = host.ProcessName == "strace" ? ProcessTree.Read(host.Id, "strace").Skip(1).First().Pid : host.Id;
        Process.Start("kill", ["-TERM", target.ToString(CultureInfo.InvariantCulture)])?.WaitForExit();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await host.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            host.Kill(entireProcessTree: true);
        }
        host.Dispose();
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
