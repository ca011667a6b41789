using Dapr.Workflow;

namespace AgentMesh.Chaos.Workflows;

/// <summary>Steps in a row, each on the previous value; returns <c>chain:{last value}</c>.</summary>
public sealed class ChaosChainWorkflow : Workflow<ChainInput, string>
{
    /// <inheritdoc />
    public override async Task<string> RunAsync(WorkflowContext context, ChainInput input)
    {
        var value = input.Seed;
        for (var i = 0; i < input.Steps; i++)
            value = (await context.CallActivityAsync<StepOutput>(nameof(ChaosStep), new StepInput($"chain-{i}", value, input.WorkMilliseconds))).Value;
        return $"chain:{value}";
    }
}
