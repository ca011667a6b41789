using System.Globalization;
using Dapr.Workflow;

namespace AgentMesh.Bench.Workflows.Shapes;

/// <summary>
/// Dapr's perf <c>sum_activity</c>: the sum of the integers in the range "first,last". Twenty
/// additions: no I/O and no sleep, so it returns at once.
/// </summary>
public sealed class SumActivity : WorkflowActivity<string, long>
{
    public override Task<long> RunAsync(WorkflowActivityContext context, string input)
    {
        var bounds = input.Split(',');
        var first = long.Parse(bounds[0], CultureInfo.InvariantCulture);
        var last = long.Parse(bounds[1], CultureInfo.InvariantCulture);
        var sum = 0L;
        for (var i = first; i <= last; i++)
            sum += i;
        return Task.FromResult(sum);
    }

    /// <summary>Dapr's split of 1..<paramref name="n"/> into five ranges ("1,20", "21,40", … for 100).</summary>
    public static string[] Ranges(int n)
    {
        var limit = n / 5;
        return [$"1,{limit}", $"{limit + 1},{2 * limit}", $"{2 * limit + 1},{3 * limit}", $"{3 * limit + 1},{4 * limit}", $"{4 * limit + 1},{n}"];
    }

    /// <summary>Throws unless <paramref name="total"/> is 1 + … + <paramref name="n"/>, as Dapr's workflows assert.</summary>
    public static long Check(int n, long total) => total == (long)n * (n + 1) / 2
        ? total
        : throw new InvalidOperationException($"The sum of 1..{n} came out as {total}.");
}
