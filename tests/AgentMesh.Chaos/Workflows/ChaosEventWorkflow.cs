using Dapr.Workflow;

namespace AgentMesh.Chaos.Workflows;

/// <summary>
/// Waits for the external events <c>e0</c>, <c>e1</c>, … (int payloads, raised from outside in any
/// order, possibly more than once), then one step on their sum. Returns <c>event:{payloads}:{value}</c>.
/// </summary>
public sealed class ChaosEventWorkflow : Workflow<EventInput, string>
{
    /// <inheritdoc />
    public override async Task<string> RunAsync(WorkflowContext context, EventInput input)
    {
        var payloads = new List<int>();
        for (var i = 0; i < input.Events; i++)
            payloads.Add(await context.WaitForExternalEventAsync<int>($"e{i}"));
        var step = await context.CallActivityAsync<StepOutput>(nameof(ChaosStep), new StepInput("event", payloads.Sum(), input.WorkMilliseconds));
        return $"event:{string.Join(',', payloads)}:{step.Value}";
    }
}
