using AgentMesh.Bench.Workflows.Shapes;

namespace AgentMesh.Bench.Workflows.Driver;

/// <summary>
/// One of Dapr's published workflow perf shapes (dapr/dapr tests/perf/workflows, report v1.17.0 on
/// AKS): the workflow, its concurrency (k6 VUs) and total runs, and Dapr's published numbers.
/// </summary>
internal sealed record ShapeSpec(string Name, string Workflow, int Vus, int Iterations, int ActivitiesPerWorkflow, double DaprWorkflowsPerSecond, double DaprP50Seconds)
{
    /// <summary>TestParallelWorkflowWithMaxVUs: sum_parallel_wf, input 100, 110 VUs, 440 runs; Dapr: 97.91 wf/s, p50 1.06 s.</summary>
    public static readonly ShapeSpec Parallel = new("parallel", nameof(SumParallelWorkflow), 110, 440, 5, 97.91, 1.06);

    /// <summary>TestSeriesWorkflowWithMaxVUs: sum_series_wf, input 100, 350 VUs, 1400 runs; Dapr: 57.43 wf/s, p50 6.06 s.</summary>
    public static readonly ShapeSpec Chained = new("chained", nameof(SumSeriesWorkflow), 350, 1400, 5, 57.43, 6.06);

    /// <summary>The workflow input of both shapes (Dapr's WORKFLOW_INPUT "100": the sum of 1..100 in five ranges).</summary>
    public const int Input = 100;
}
