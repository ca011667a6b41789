using System.Globalization;
using AgentMesh.Bench.Workflows.Driver;
using AgentMesh.Bench.Workflows.Host;

// Usage:
//   AgentMesh.Bench.Workflows [parallel] [chained] [waiting] [--runs 5] [--iterations N] [--vus N]
//                             [--warmup N] [--instances 10000] [--data DIR] [--profile]
//   AgentMesh.Bench.Workflows host --db FILE --port N        (the measured process; started by the driver)
// Shapes default to all three. --iterations and --vus override the shapes' own (Dapr's) numbers;
// --profile prints the host's store profile (operations, commits, their time) after each measured run.
if (args is ["host", ..])
    return await BenchHost.RunAsync(Option(args, "--db") ?? "taskhub.db", int.Parse(Option(args, "--port") ?? "5000", CultureInfo.InvariantCulture));

var shapes = args.TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
if (shapes.Count == 0)
    shapes = ["parallel", "chained", "waiting"];
var runs = IntOption("--runs") ?? 5;
var data = Option(args, "--data");
Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}, {runs} run(s) per shape, each against a fresh host process and database");

foreach (var shape in shapes)
{
    if (shape == "waiting")
    {
        var instances = IntOption("--instances") ?? 10_000;
        var results = new List<WaitingResult>();
        for (var run = 1; run <= runs; run++)
        {
            results.Add(await ShapeRuns.WaitingAsync(instances, concurrency: 64, data));
            Console.WriteLine($"  run {run}: {results[^1]}");
        }
        Console.WriteLine($"MEDIAN waiting: {instances} instances: host RSS {Median(results, r => r.WaitingRssMb):F0} MB while parked " +
            $"(peak {Median(results, r => r.PeakRssMb):F0} MB); started {Median(results, r => r.StartedPerSecond):F0}/s, released {Median(results, r => r.ReleasedPerSecond):F0}/s");
        continue;
    }

    var spec = shape switch
    {
        "parallel" => ShapeSpec.Parallel,
        "chained" => ShapeSpec.Chained,
        _ => throw new ArgumentException($"Unknown shape '{shape}': use parallel, chained or waiting."),
    };
    var vus = IntOption("--vus") ?? spec.Vus;
    var iterations = IntOption("--iterations") ?? spec.Iterations;
    var warmup = IntOption("--warmup") ?? vus;
    var measured = new List<ThroughputResult>();
    for (var run = 1; run <= runs; run++)
    {
        measured.Add(await ShapeRuns.ThroughputAsync(spec, vus, iterations, warmup, data, args.Contains("--profile")));
        Console.WriteLine($"  run {run}: {measured[^1]}");
    }
    var wfs = Median(measured, r => r.WorkflowsPerSecond);
    Console.WriteLine($"MEDIAN {spec.Name}: {vus} VUs, {iterations} workflows: {wfs:F1} wf/s ({wfs / spec.DaprWorkflowsPerSecond:F1}x Dapr's {spec.DaprWorkflowsPerSecond}), " +
        $"{Median(measured, r => r.ActivitiesPerSecond):F0} activities/s, p50 {Median(measured, r => r.P50.TotalMilliseconds):F0} ms (Dapr {spec.DaprP50Seconds * 1000:F0} ms), " +
        $"p95 {Median(measured, r => r.P95.TotalMilliseconds):F0} ms, host peak RSS {Median(measured, r => r.PeakRssMb):F0} MB, host CPU {Median(measured, r => r.HostCpuCores):F2} cores");
}
return 0;

int? IntOption(string name) => Option(args, name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : null;

static string? Option(string[] args, string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static double Median<T>(IReadOnlyList<T> results, Func<T, double> value)
{
    var sorted = results.Select(value).Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}
