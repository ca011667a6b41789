using System.Diagnostics;

namespace AgentMesh.Bench.Shared;

/// <summary>
/// k6's <c>shared-iterations</c> executor, as Dapr's perf tests use it: <c>vus</c> virtual users share
/// <c>iterations</c> runs; each user starts its next run as soon as its last one finished, so at most
/// <c>vus</c> workflows are in flight at once.
/// </summary>
internal static class ClosedLoop
{
    /// <summary>Runs <paramref name="iteration"/> (given the run's number) and returns each run's latency and the wall time of all of them.</summary>
    public static async Task<(List<TimeSpan> Latencies, TimeSpan Elapsed)> RunAsync(int vus, int iterations, Func<int, Task> iteration)
    {
        var next = -1;
        var latencies = new List<TimeSpan>(iterations);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, vus).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < iterations)
            {
                var started = Stopwatch.GetTimestamp();
                await iteration(i);
                var latency = Stopwatch.GetElapsedTime(started);
                lock (latencies)
                {
                    latencies.Add(latency);
                }
            }
        })));
        return (latencies, clock.Elapsed);
    }

    /// <summary>The <paramref name="p"/>-th percentile (0–100, nearest rank) of <paramref name="values"/>.</summary>
    public static TimeSpan Percentile(IReadOnlyList<TimeSpan> values, double p)
    {
        var sorted = values.Order().ToList();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
