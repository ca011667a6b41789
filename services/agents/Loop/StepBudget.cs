using System.Globalization;
using AgentMesh.Clients;
using AgentMesh.Contracts.V1;
using Grpc.Core;

namespace AgentMesh.Services.Agents.Loop;

/// <summary>
/// One step's share of its run's budget: the run's limits (<see cref="RunStepRequest.Budget"/>, 0 for none) against
/// what the run used before the step (<see cref="RunStepRequest.RunUsage"/>) plus what the step used (its checkpoint).
/// A check that finds a budget used up throws RESOURCE_EXHAUSTED with class <c>logic</c> and the budget's name, limit
/// and amount used in the trailers (<see cref="StepFailureTrailers"/>). Steps of one run that run at the same time
/// each see only the usage of the steps finished before they started; the run adds them up as each one ends.
/// </summary>
internal sealed class StepBudget(Budget limits, Usage runUsage, int maxIterations, string stepId, int toolCallsSoFar)
{
    private int _toolCalls = toolCallsSoFar;

    /// <summary>Tool calls this step ran, resumed attempts included.</summary>
    public int ToolCalls => Volatile.Read(ref _toolCalls);

    /// <summary>Throws when the step may not make another model call: the turn limit of this round of the step (the budget's, or <c>Agents:MaxIterations</c>) is reached, or the run's tokens or cost are used up.</summary>
    public void BeforeModelCall(StepCheckpoint checkpoint)
    {
        var turns = checkpoint.Turns - checkpoint.TurnsBeforeRound;
        if (limits.MaxModelTurnsPerStep > 0 && limits.MaxModelTurnsPerStep <= maxIterations && turns >= limits.MaxModelTurnsPerStep)
        {
            throw Exceeded(BudgetNames.ModelTurnsPerStep, limits.MaxModelTurnsPerStep, turns);
        }

        if (turns >= maxIterations)
        {
            throw new RpcException(
                new Status(StatusCode.ResourceExhausted, $"Step \"{stepId}\" reached the limit of {maxIterations} model turns (setting Agents:MaxIterations) without a final answer."),
                new Metadata { { FailureClasses.Trailer, FailureClasses.Logic } });
        }

        Check(checkpoint, orEqual: true);
    }

    /// <summary>Throws when the model call just recorded in <paramref name="checkpoint"/> took the run over its token or cost budget.</summary>
    public void AfterModelCall(StepCheckpoint checkpoint) => Check(checkpoint, orEqual: false);

    /// <summary>Counts one tool call about to run; throws when the run has no tool call left.</summary>
    public void TakeToolCall()
    {
        var taken = Interlocked.Increment(ref _toolCalls);
        if (limits.MaxToolCalls > 0 && runUsage.ToolCalls + taken > limits.MaxToolCalls)
        {
            Interlocked.Decrement(ref _toolCalls);
            throw Exceeded(BudgetNames.ToolCalls, limits.MaxToolCalls, runUsage.ToolCalls + taken - 1);
        }
    }

    private void Check(StepCheckpoint checkpoint, bool orEqual)
    {
        Compare(BudgetNames.InputTokens, limits.MaxInputTokens, runUsage.InputTokens + checkpoint.InputTokens, orEqual);
        Compare(BudgetNames.OutputTokens, limits.MaxOutputTokens, runUsage.OutputTokens + checkpoint.OutputTokens, orEqual);
        Compare(BudgetNames.CostUsd, limits.MaxCostUsd, runUsage.CostUsd + checkpoint.CostUsd, orEqual);
    }

    private void Compare(string name, double limit, double used, bool orEqual)
    {
        if (limit > 0 && (used > limit || orEqual && used >= limit))
        {
            throw Exceeded(name, limit, used);
        }
    }

    private RpcException Exceeded(string name, double limit, double used)
        => new(
            new Status(StatusCode.ResourceExhausted, $"The run used up its budget of {BudgetNames.Describe(name)} in step \"{stepId}\": {Format(used)} used, limit {Format(limit)}."),
            StepFailureTrailers.BudgetExceeded(name, limit, used));

    private static string Format(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);
}
