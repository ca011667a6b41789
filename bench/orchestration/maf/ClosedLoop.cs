using System.Diagnostics;
using Microsoft.Agents.AI.Workflows;

namespace AgentMesh.Bench.Maf;

/// <summary>
/// The closed loop of the runner contract: one worker per checkpoint manager, each starting its next run
/// when its last one ended, until <c>count</c> runs were started. The first failed run stops the loop.
/// </summary>
internal static class ClosedLoop
{
    /// <summary>Runs <paramref name="count"/> plans and returns each run's start-to-end time in ms, in start order.</summary>
    public static async Task<double[]> RunAsync(int count, CheckpointManager[] workers, PlanWorkflow plan)
    {
        var latencies = new double[count];
        int next = -1;
        using var failed = new CancellationTokenSource();
        async Task WorkerAsync(CheckpointManager checkpoints)
        {
            int i;
            while (!failed.IsCancellationRequested && (i = Interlocked.Increment(ref next)) < count)
            {
                long start = Stopwatch.GetTimestamp();
                try
                {
                    await plan.RunOnceAsync(checkpoints, failed.Token);
                }
                catch
                {
                    failed.Cancel();
                    throw;
                }
                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }
        Task[] tasks = [.. workers.Select(w => Task.Run(() => WorkerAsync(w)))];
        try
        {
            await Task.WhenAll(tasks);
        }
        catch
        {
            // Report the first real failure rather than a cancellation it caused in another worker.
            throw tasks.Select(t => t.Exception?.InnerException).FirstOrDefault(e => e is not OperationCanceledException)
                  ?? tasks.First(t => t.IsFaulted).Exception!.InnerException!;
        }
        return latencies;
    }
}
