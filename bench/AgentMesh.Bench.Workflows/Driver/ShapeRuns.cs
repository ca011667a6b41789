using AgentMesh.Bench.Workflows.Shapes;
using Dapr.Workflow;
using Microsoft.Extensions.DependencyInjection;

using AgentMesh.Bench.Shared;

namespace AgentMesh.Bench.Workflows.Driver;

/// <summary>One run of a shape against a fresh host process and database.</summary>
internal static class ShapeRuns
{
    private static readonly TimeSpan WorkflowTimeout = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Warms the host up (<paramref name="warmup"/> runs, not counted: JIT, connection set-up), then runs
    /// the shape closed-loop and measures each workflow from just before ScheduleNewWorkflow to the
    /// return of WaitForWorkflowCompletion (the hub answers it when the completion is committed).
    /// </summary>
    public static async Task<ThroughputResult> ThroughputAsync(ShapeSpec spec, int vus, int iterations, int warmup, string? dataDirectory, bool profile)
    {
        await using var host = await HostProcess.StartAsync(dataDirectory);
        await using var provider = WorkflowClients.Create(host.Address);
        var client = provider.GetRequiredService<DaprWorkflowClient>();
        await ClosedLoop.RunAsync(vus, warmup, i => RunOneAsync(client, spec.Workflow, $"warmup-{i}"));
        await host.ResetProfileAsync();
        var cpuBefore = host.CpuTime;
        var driverCpuBefore = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var (latencies, elapsed) = await ClosedLoop.RunAsync(vus, iterations, i => RunOneAsync(client, spec.Workflow, $"run-{i}"));
        var cpu = host.CpuTime - cpuBefore;
        var driverCpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - driverCpuBefore;
        var perSecond = iterations / elapsed.TotalSeconds;
        if (profile)
            Console.WriteLine(await host.ProfileAsync());
        return new ThroughputResult(spec, vus, iterations, perSecond, perSecond * spec.ActivitiesPerWorkflow,
            ClosedLoop.Percentile(latencies, 50), ClosedLoop.Percentile(latencies, 95), host.PeakRssMb, cpu.TotalSeconds / elapsed.TotalSeconds, driverCpu.TotalSeconds / elapsed.TotalSeconds);
    }

    /// <summary>
    /// Starts <paramref name="instances"/> workflows that wait for an external event, waits until every one
    /// has run its first turn (status RUNNING: it is parked on the event), lets the host settle, reads its
    /// resident set; then releases them all and waits for their completion.
    /// </summary>
    public static async Task<WaitingResult> WaitingAsync(int instances, int concurrency, string? dataDirectory)
    {
        await using var host = await HostProcess.StartAsync(dataDirectory);
        await using var provider = WorkflowClients.Create(host.Address);
        var client = provider.GetRequiredService<DaprWorkflowClient>();
        var idleRss = host.RssMb;
        var (_, startElapsed) = await ClosedLoop.RunAsync(concurrency, instances, async i =>
        {
            await client.ScheduleNewWorkflowAsync(nameof(AwaitGoWorkflow), $"wait-{i}", "parked");
            using var timeout = new CancellationTokenSource(WorkflowTimeout);
            await client.WaitForWorkflowStartAsync($"wait-{i}", false, timeout.Token);
        });
        await Task.Delay(TimeSpan.FromSeconds(3));
        var waitingRss = host.RssMb;
        var peakWhileWaiting = host.PeakRssMb;
        var databaseMb = host.DatabaseMb;
        var (_, releaseElapsed) = await ClosedLoop.RunAsync(concurrency, instances, async i =>
        {
            await client.RaiseEventAsync($"wait-{i}", AwaitGoWorkflow.EventName, "released");
            using var timeout = new CancellationTokenSource(WorkflowTimeout);
            var state = await client.WaitForWorkflowCompletionAsync($"wait-{i}", false, timeout.Token);
            if (state.RuntimeStatus != WorkflowRuntimeStatus.Completed)
                throw new InvalidOperationException($"Workflow wait-{i} ended as {state.RuntimeStatus}.");
        });
        return new WaitingResult(instances, idleRss, waitingRss, peakWhileWaiting, host.PeakRssMb, databaseMb,
            instances / startElapsed.TotalSeconds, instances / releaseElapsed.TotalSeconds);
    }

    private static async Task RunOneAsync(DaprWorkflowClient client, string workflow, string instanceId)
    {
        await client.ScheduleNewWorkflowAsync(workflow, instanceId, ShapeSpec.Input);
        using var timeout = new CancellationTokenSource(WorkflowTimeout);
        var state = await client.WaitForWorkflowCompletionAsync(instanceId, true, timeout.Token);
        if (state.RuntimeStatus != WorkflowRuntimeStatus.Completed)
            throw new InvalidOperationException($"Workflow {instanceId} ended as {state.RuntimeStatus}: {state.FailureDetails?.ErrorMessage}");
    }
}
