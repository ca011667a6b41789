using AgentMesh.Chaos.Journal;
using Dapr.Workflow;

namespace AgentMesh.Chaos.Workflows;

/// <summary>
/// The one activity of the chaos workflows: works for a while, computes <see cref="StepMath.Apply"/>,
/// and records its execution in the <see cref="ActivityJournal"/> (fsynced) before returning, so every
/// execution whose result the hub could have committed is on disk.
/// </summary>
public sealed class ChaosStep(ActivityJournal journal) : WorkflowActivity<StepInput, StepOutput>
{
    /// <inheritdoc />
    public override async Task<StepOutput> RunAsync(WorkflowActivityContext context, StepInput input)
    {
        var started = DateTimeOffset.UtcNow;
        if (input.WorkMilliseconds > 0)
            await Task.Delay(input.WorkMilliseconds).ConfigureAwait(false);
        var output = new StepOutput(StepMath.Apply(input.Operand), journal.NextNonce());
        journal.Append(new JournalEntry(
            journal.Generation, context.InstanceId, context.ScheduledEventId, input.Key, output.Nonce,
            started.ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        return output;
    }
}
