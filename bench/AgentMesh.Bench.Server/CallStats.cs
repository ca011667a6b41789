using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace AgentMesh.Bench.Server;

/// <summary>
/// Optional per-call cost report (<c>--stats</c>): every second, for the requests completed in
/// that second, prints requests, server CPU time, allocated bytes, thread-pool work items and lock
/// contentions per request. Meant for comparing builds on a busy machine, where throughput is noisy
/// but these per-request figures are not; it adds a counter to every request, so run.sh leaves it off.
/// </summary>
public sealed class CallStats : IDisposable
{
    private readonly Timer _timer;
    private long _requests;
    private Snapshot _last = Snapshot.Take(0);

    public CallStats() => _timer = new Timer(_ => Report(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

    /// <summary>Middleware that counts completed requests.</summary>
    public async Task CountAsync(HttpContext http, RequestDelegate next)
    {
        await next(http);
        Interlocked.Increment(ref _requests);
    }

    public void Dispose() => _timer.Dispose();

    private void Report()
    {
        var now = Snapshot.Take(Interlocked.Read(ref _requests));
        var requests = now.Requests - _last.Requests;
        if (requests > 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"stats requests={requests} cpu_us={(now.Cpu - _last.Cpu).TotalMicroseconds / requests:F2} " +
                $"bytes={(double)(now.Allocated - _last.Allocated) / requests:F0} " +
                $"work_items={(double)(now.WorkItems - _last.WorkItems) / requests:F2} " +
                $"contentions={(double)(now.Contentions - _last.Contentions) / requests:F3}"));
        }

        _last = now;
    }

    private readonly record struct Snapshot(long Requests, TimeSpan Cpu, long Allocated, long WorkItems, long Contentions)
    {
        public static Snapshot Take(long requests) => new(requests, Process.GetCurrentProcess().TotalProcessorTime,
            GC.GetTotalAllocatedBytes(), ThreadPool.CompletedWorkItemCount, Monitor.LockContentionCount);
    }
}
