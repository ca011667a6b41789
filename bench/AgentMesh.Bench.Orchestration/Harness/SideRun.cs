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
        var (measurement, _) = await RunAsync(side, repo, runs, concurrency, warmup, fsyncLogs: null);
        return measurement;
    }

    /// <summary>fsync + fdatasync calls of the processes holding the side's stores (strace -f -c, one log each), per run, start-up included.</summary>
    public static async Task<double> FsyncsPerRunAsync(SideSpec side, string repo, int runs, int concurrency)
    {
        var logs = Directory.CreateTempSubdirectory("agentmesh-bench-strace-").FullName;
        await RunAsync(side, repo, runs, concurrency, warmup: 0, fsyncLogs: logs);
        var calls = Directory.EnumerateFiles(logs).SelectMany(File.ReadLines)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(cols => cols.Length >= 5 && cols[^1] is "fsync" or "fdatasync")
            .Sum(cols => long.Parse(cols[3], CultureInfo.InvariantCulture));
        Directory.Delete(logs, recursive: true);
        return (double)calls / runs;
    }

    private static async Task<(Measurement, int)> RunAsync(SideSpec side, string repo, int runs, int concurrency, int warmup, string? fsyncLogs)
    {
        var data = Directory.CreateTempSubdirectory($"agentmesh-bench-{side.Name}-").FullName;
        var context = new SideContext(repo, data, [.. Enumerable.Range(0, 5).Select(_ => FreePort())]);
        var hosts = new List<(string Label, Process Process)>();
        try
        {
            foreach (var (label, start) in side.Hosts(context))
            {
                var host = Start(side.StoreInHost && fsyncLogs is not null ? Traced(start, Path.Combine(fsyncLogs, label)) : start);
                // A host's stdout (its logs) is drained, so it never blocks on a full pipe.
                host.OutputDataReceived += (_, _) => { };
                host.BeginOutputReadLine();
                hosts.Add((label, host));
            }
            var runnerCommand = side.Runner(context);
            foreach (var arg in new[] { "--runs", $"{runs}", "--concurrency", $"{concurrency}", "--warmup", $"{warmup}", "--data", data, "--workload", context.Workload })
                runnerCommand.ArgumentList.Add(arg);
            using var runner = Start(!side.StoreInHost && fsyncLogs is not null ? Traced(runnerCommand, Path.Combine(fsyncLogs, "runner")) : runnerCommand);

            Dictionary<string, double>? cpuAtStart = null;
            Dictionary<string, double>? cpuAtEnd = null;
            Dictionary<string, double>? rss = null;
            JsonElement? result = null;
            while (await runner.StandardOutput.ReadLineAsync() is { } line)
            {
                if (line == "measure-start")
                    cpuAtStart = CpuByLabel(runner, hosts);
                else if (line.StartsWith("result ", StringComparison.Ordinal))
                {
                    cpuAtEnd = CpuByLabel(runner, hosts);
                    rss = Trees(runner, hosts).GroupBy(s => s.Label).ToDictionary(g => g.Key, g => g.Max(s => s.PeakRssMb));
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
            foreach (var (_, host) in hosts)
                await StopAsync(host);
            Directory.Delete(data, recursive: true);
        }
    }

    private static Dictionary<string, double> CpuByLabel(Process runner, List<(string Label, Process Process)> hosts)
        => Trees(runner, hosts).GroupBy(s => s.Label).ToDictionary(g => g.Key, g => g.Sum(s => s.CpuMs));

    /// <summary>The runner's and the hosts' processes, labelled (strace, in the fsync passes, left out).</summary>
    private static IEnumerable<ProcessTree.Sample> Trees(Process runner, List<(string Label, Process Process)> hosts)
        => ProcessTree.Read(runner.Id, "runner").Concat(hosts.SelectMany(h => ProcessTree.Read(h.Process.Id, h.Label))).Where(s => !IsStrace(s.Pid));

    private static bool IsStrace(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim() == "strace";
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static Process Start(ProcessStartInfo start) => Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");

    private static ProcessStartInfo Traced(ProcessStartInfo inner, string log)
    {
        var start = new ProcessStartInfo("strace") { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var arg in new[] { "-f", "-qq", "--seccomp-bpf", "-e", "trace=fsync,fdatasync", "-c", "-o", log, inner.FileName })
            start.ArgumentList.Add(arg);
        foreach (var arg in inner.ArgumentList)
            start.ArgumentList.Add(arg);
        foreach (var (key, value) in inner.Environment)
            start.Environment[key] = value;
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
