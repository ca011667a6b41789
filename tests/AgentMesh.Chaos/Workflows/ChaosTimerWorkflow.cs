using Dapr.Workflow;

namespace AgentMesh.Chaos.Workflows;

/// <summary>
/// For each delay: a durable timer, then a step on the delay's position (1-based). Returns
/// <c>timer:{sum}:early={n}</c>, where n counts timers after which the workflow clock had advanced
/// less than the delay (0 when every timer waited).
/// </summary>
public sealed class ChaosTimerWorkflow : Workflow<TimerInput, string>
{
    /// <inheritdoc />
    public override async Task<string> RunAsync(WorkflowContext context, TimerInput input)
    {
        long sum = 0;
        var early = 0;
        for (var i = 0; i < input.DelaysMilliseconds.Length; i++)
        {
            var delay = TimeSpan.FromMilliseconds(input.DelaysMilliseconds[i]);
            var before = context.CurrentUtcDateTime;
            await context.CreateTimer(delay, CancellationToken.None);
            if (context.CurrentUtcDateTime - before < delay)
                early++;
            sum += (await context.CallActivityAsync<StepOutput>(nameof(ChaosStep), new StepInput($"timer-{i}", i + 1, input.WorkMilliseconds))).Value;
        }

        return $"timer:{sum}:early={early}";
    }
}
