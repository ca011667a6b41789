using Dapr.Workflow;

namespace AgentMesh.Bench.Workflows.Shapes;

/// <summary>Dapr's perf <c>sum_parallel_wf</c>: five <see cref="SumActivity"/> calls fanned out at once, then summed.</summary>
public sealed class SumParallelWorkflow : Workflow<int, long>
{
    public override async Task<long> RunAsync(WorkflowContext context, int n)
    {
        var sums = await Task.WhenAll(SumActivity.Ranges(n).Select(range => context.CallActivityAsync<long>(nameof(SumActivity), range)));
        return SumActivity.Check(n, sums.Sum());
    }
}
