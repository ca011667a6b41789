using AgentMesh.Contracts.V1;
using AgentMesh.Planning;
using AgentMesh.Services.Orchestrator.Budgets;
using Dapr.Workflow;

namespace AgentMesh.Services.Orchestrator.RunWorkflow;

/// <summary>
/// Workflow-side execution of a plan's DAG: starts every step whose dependencies are done, waits
/// for any to finish, repeats. A step that asks for approvals waits for their external events
/// (denied after the approval timeout) and then runs again with the decisions. Each step starts with the run's
/// budget and what the run used so far (which its first write also records on the run, for GetRun); as each step
/// ends its usage is added and the run-wide budgets are checked. A step whose outcome is a failure, or a budget used up (wall
/// time included, also while approvals are awaited), ends the schedule with <see cref="StepFailedException"/>.
/// </summary>
internal sealed class StepScheduler(
    WorkflowContext context, RunInput input, PlanDocument plan, WorkflowTaskOptions activityOptions, UsageTotals usedBefore)
{
    private readonly Dictionary<string, string> _outputs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _structured = new(StringComparer.Ordinal);

    /// <summary>What the run used so far: planning, and every step that ended (failed ones included).</summary>
    public UsageTotals Usage { get; private set; } = usedBefore;

    public async Task<IReadOnlyDictionary<string, string>> RunAllAsync()
    {
        var started = new HashSet<string>(StringComparer.Ordinal);
        var running = new List<(Task<string> Task, string StepId)>();
        while (_outputs.Count < plan.Steps.Count)
        {
            foreach (var step in plan.Steps)
            {
                if (!started.Contains(step.Id) && step.DependsOn.All(_outputs.ContainsKey))
                {
                    started.Add(step.Id);
                    running.Add((RunStepAsync(step), step.Id));
                }
            }

            var finished = await Task.WhenAny(running.Select(r => r.Task)).ConfigureAwait(true);
            var index = running.FindIndex(r => r.Task == finished);
            _outputs[running[index].StepId] = await finished.ConfigureAwait(true);
            running.RemoveAt(index);
        }
        return _outputs;
    }

    private async Task<string> RunStepAsync(PlanDocumentStep step)
    {
        var dependencies = step.DependsOn
            .Select(id => new DependencyOutput(id, plan.Steps.First(s => s.Id == id).Role, _outputs[id], _structured.Contains(id)))
            .ToList();
        var decisions = new List<Decision>();
        for (var attempt = 1; ; attempt++)
        {
            if (input.Budget.WallTimeOverrun(input.StartedAt, context.CurrentUtcDateTime, step.Id) is { } late)
            {
                throw new StepFailedException(StepFailure.From(late));
            }

            var outcome = await context.CallActivityAsync<StepOutcome>(
                nameof(RunStepActivity),
                new StepInput(input.RunId, input.Goal, step, dependencies, decisions, attempt, input.Budget, Usage, input.StartedAt),
                activityOptions).ConfigureAwait(true);
            if (outcome.Failure is { } failure)
            {
                Usage = Usage.Add(outcome.Usage);
                throw new StepFailedException(failure);
            }

            if (outcome.Approvals.Count == 0)
            {
                Usage = Usage.Add(outcome.Usage);
                if (input.Budget.FindOverrun(Usage, step.Id) is { } overrun)
                {
                    throw new StepFailedException(StepFailure.From(overrun));
                }

                if (outcome.Structured)
                {
                    _structured.Add(step.Id);
                }

                return outcome.Output ?? "";
            }

            await context.CallActivityAsync(nameof(UpdateRunActivity), new RunUpdate(input.RunId) { AddApprovals = outcome.Approvals }).ConfigureAwait(true);
            var newDecisions = new List<Decision>();
            foreach (var approval in outcome.Approvals)
            {
                newDecisions.Add(await WaitForDecisionAsync(approval, step.Id).ConfigureAwait(true));
            }

            await context.CallActivityAsync(nameof(UpdateRunActivity), new RunUpdate(input.RunId) { ResolveApprovals = newDecisions }).ConfigureAwait(true);
            decisions.AddRange(newDecisions);
        }
    }

    /// <summary>The decision on <paramref name="approval"/>: denied once the approval timeout passes; the run fails if its wall time runs out first.</summary>
    private async Task<Decision> WaitForDecisionAsync(PendingApproval approval, string stepId)
    {
        var approvalTimeout = input.Settings.ApprovalTimeout;
        var timeout = approvalTimeout;
        if (input.Budget.Deadline(input.StartedAt) is { } deadline && deadline - context.CurrentUtcDateTime < timeout)
        {
            timeout = deadline - context.CurrentUtcDateTime;
            if (timeout <= TimeSpan.Zero && input.Budget.WallTimeOverrun(input.StartedAt, context.CurrentUtcDateTime, stepId) is { } over)
            {
                throw new StepFailedException(StepFailure.From(over));
            }
        }

        try
        {
            return await context.WaitForExternalEventAsync<Decision>(RunWorkflow.ApprovalEventName(approval.ApprovalId), timeout).ConfigureAwait(true);
        }
        catch (TaskCanceledException)
        {
            if (input.Budget.WallTimeOverrun(input.StartedAt, context.CurrentUtcDateTime, stepId) is { } late)
            {
                throw new StepFailedException(StepFailure.From(late));
            }

            return new Decision(approval.ApprovalId, false, $"No decision within {approvalTimeout}; denied by timeout.", context.CurrentUtcDateTime);
        }
    }
}

/// <summary>A step failed in a way that ends the run (see <see cref="StepFailure"/>).</summary>
public sealed class StepFailedException(StepFailure failure) : Exception(failure.RunError)
{
    public StepFailure Failure => failure;
}

/// <summary>A step's attempt failed in a way that may pass (failure class <c>transient</c>): the activity policy retries it, and the run names the class once retries run out.</summary>
public sealed class TransientStepFailureException(string message, Exception inner) : Exception(message, inner);
