using Dapr.Workflow;

namespace AgentMesh.Bench.Workflows.Shapes;

/// <summary>Dapr's perf <c>sum_series_wf</c>: five <see cref="SumActivity"/> calls one after another, then summed.</summary>
public sealed class SumSeriesWorkflow : Workflow<int, long>
{
    public override async Task<long> RunAsync(WorkflowContext context, int n)
    {
        var total = 0L;
        foreach (var range in SumActivity.Ranges(n))
            total += await context.CallActivityAsync<long>(nameof(SumActivity), range);
        return SumActivity.Check(n, total);
    }
}
