using Dapr.Workflow;

namespace AgentMesh.Chaos.Workflows;

/// <summary>Steps on 1..width in parallel (fan-out), then their sum (fan-in); returns <c>fanout:{sum}</c>.</summary>
public sealed class ChaosFanOutWorkflow : Workflow<FanOutInput, string>
{
    /// <inheritdoc />
    public override async Task<string> RunAsync(WorkflowContext context, FanOutInput input)
    {
        var steps = Enumerable.Range(1, input.Width)
            .Select(i => context.CallActivityAsync<StepOutput>(nameof(ChaosStep), new StepInput($"fan-{i}", i, input.WorkMilliseconds)));
        var outputs = await Task.WhenAll(steps);
        return $"fanout:{outputs.Sum(o => o.Value)}";
    }
}
