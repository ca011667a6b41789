using Dapr.Workflow;

namespace AgentMesh.Chaos.Workflows;

/// <summary>
/// Waits for the external events <c>e0</c>, <c>e1</c>, … (int payloads, raised from outside in any
/// order, possibly more than once), each with a timeout as the run workflow waits for approvals (a
/// durable timer racing the event), then one step on their sum. Returns <c>event:{payloads}:{value}</c>,
/// with <c>timeout</c> in place of a payload that did not come in time.
/// </summary>
public sealed class ChaosEventWorkflow : Workflow<EventInput, string>
{
    /// <inheritdoc />
    public override async Task<string> RunAsync(WorkflowContext context, EventInput input)
    {
        var payloads = new List<string>();
        var sum = 0;
        for (var i = 0; i < input.Events; i++)
        {
            try
            {
                var payload = await context.WaitForExternalEventAsync<int>($"e{i}", TimeSpan.FromSeconds(input.TimeoutSeconds));
                payloads.Add(payload.ToString(System.Globalization.CultureInfo.InvariantCulture));
                sum += payload;
            }
            catch (TaskCanceledException)
            {
                payloads.Add("timeout");
            }
        }

        var step = await context.CallActivityAsync<StepOutput>(nameof(ChaosStep), new StepInput("event", sum, input.WorkMilliseconds));
        return $"event:{string.Join(',', payloads)}:{step.Value}";
    }
}
