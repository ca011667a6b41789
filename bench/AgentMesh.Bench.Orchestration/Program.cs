using System.Globalization;
using AgentMesh.Bench.Orchestration.Harness;
using AgentMesh.Bench.Orchestration.Runner;
using AgentMesh.Bench.Shared;

// Usage (from bench/orchestration.sh):
//   AgentMesh.Bench.Orchestration [--sides floor,agentmesh,…] [--reps 3] [--runs-one 30] [--runs-many 200]
//                                 [--many 50] [--warmup W] [--no-fsync]
//   AgentMesh.Bench.Orchestration client --address URL --runs N --concurrency C --warmup W --data DIR --workload DIR
// The first form measures every side and prints the table; the second is AgentMesh's runner (a gRPC client).
if (args is ["client", .. var rest])
    return await AgentMeshRunner.RunAsync(RunnerArgs.Parse(rest));

var repo = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));
var names = Option("--sides")?.Split(',') ?? SideSpec.All.Select(s => s.Name).ToArray();
var sides = names.Select(n => SideSpec.All.FirstOrDefault(s => s.Name == n) ?? throw new ArgumentException($"Unknown side '{n}': use {string.Join(", ", SideSpec.All.Select(s => s.Name))}.")).ToList();
var reps = Int("--reps", 3);
var runsOne = Int("--runs-one", 30);
var runsMany = Int("--runs-many", 200);
var many = Int("--many", 50);
// Unmeasured runs before each measurement on a freshly started side: by default 5 at 1 and one per worker at
// `many`, so a JIT-compiled side is measured while it still compiles; --warmup W measures it warm.
var warmupOne = Int("--warmup", 5);
var warmupMany = Int("--warmup", many);
Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores; {reps} repetitions per side and concurrency; {runsOne} runs at 1, {runsMany} at {many}; warm-up {warmupOne} / {warmupMany} runs");

var results = new List<SideResults>();
foreach (var side in sides)
{
    var one = new List<Measurement>();
    var multi = new List<Measurement>();
    for (var rep = 1; rep <= reps; rep++)
    {
        one.Add(await SideRun.MeasureAsync(side, repo, runsOne, 1, warmupOne));
        Console.WriteLine($"  {side.Name} @1   #{rep}: {Describe(one[^1])}");
        multi.Add(await SideRun.MeasureAsync(side, repo, runsMany, many, warmupMany));
        Console.WriteLine($"  {side.Name} @{many}  #{rep}: {Describe(multi[^1])}");
    }
    double? fsyncOne = null, fsyncMany = null;
    if (!args.Contains("--no-fsync"))
    {
        fsyncOne = await SideRun.FsyncsPerRunAsync(side, repo, 20, 1);
        fsyncMany = await SideRun.FsyncsPerRunAsync(side, repo, 100, many);
        Console.WriteLine($"  {side.Name} fsyncs per run (start-up included): {fsyncOne:F1} at 1, {fsyncMany:F1} at {many}");
    }
    results.Add(new SideResults(side, one, multi, fsyncOne, fsyncMany));
}
Console.WriteLine();
Console.Write(Report.Table(results, many));
return 0;

static string Describe(Measurement m) => string.Create(CultureInfo.InvariantCulture,
    $"{m.RunsPerSecond:F1} runs/s, p50 {m.P50Ms:F0} ms, p95 {m.P95Ms:F0} ms, CPU ms/run {string.Join(", ", m.CpuMsPerRun.Select(p => $"{p.Key} {p.Value:F0}"))}");

string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

int Int(string name, int fallback) => Option(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
