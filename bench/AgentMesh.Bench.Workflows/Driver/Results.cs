namespace AgentMesh.Bench.Workflows.Driver;

/// <summary>One run of a throughput shape. <see cref="HostCpuCores"/>, <see cref="DriverCpuCores"/>: each process's CPU time over the measured wall time.</summary>
internal sealed record ThroughputResult(ShapeSpec Spec, int Vus, int Iterations, double WorkflowsPerSecond, double ActivitiesPerSecond,
    TimeSpan P50, TimeSpan P95, double PeakRssMb, double HostCpuCores, double DriverCpuCores)
{
    public override string ToString() =>
        $"{Spec.Name}: {Vus} VUs, {Iterations} workflows: {WorkflowsPerSecond:F1} wf/s, {ActivitiesPerSecond:F0} activities/s, " +
        $"p50 {P50.TotalMilliseconds:F0} ms, p95 {P95.TotalMilliseconds:F0} ms, host peak RSS {PeakRssMb:F0} MB, host CPU {HostCpuCores:F2} cores ({HostCpuCores / WorkflowsPerSecond * 1000:F2} ms/workflow), driver CPU {DriverCpuCores:F2} cores";
}

/// <summary>One run of the waiting shape (RSS in MiB; rates in workflows per second).</summary>
internal sealed record WaitingResult(int Instances, double IdleRssMb, double WaitingRssMb, double PeakWhileWaitingMb, double PeakRssMb, double DatabaseMb,
    double StartedPerSecond, double ReleasedPerSecond)
{
    public override string ToString() =>
        $"waiting: {Instances} instances parked on an event: host RSS {WaitingRssMb:F0} MB (empty host {IdleRssMb:F0} MB, peak while starting {PeakWhileWaitingMb:F0} MB, " +
        $"peak overall {PeakRssMb:F0} MB), database {DatabaseMb:F0} MB; started {StartedPerSecond:F0}/s, released and completed {ReleasedPerSecond:F0}/s";
}
