using AgentMesh.Contracts.V1;
using AgentMesh.Planning;
using AgentMesh.Services.Orchestrator.Budgets;
using Dapr.Workflow;

namespace AgentMesh.Services.Orchestrator.RunWorkflow;

/// <summary>
/// Workflow-side execution of a plan's DAG: starts every step whose dependencies are done, waits
/// for any to finish, repeats. A step that asks for approvals waits for their external events
/// (denied after the approval timeout) and then runs again with the decisions. A step with a reviewer
/// (<see cref="PlanDocumentStep.ReviewBy"/>) is reviewed after it ends and runs again with the feedback until the reviewer
/// approves or the rounds run out (evaluator-optimizer); its dependents get the last version. A step that names a
/// capability instead of a role gets its role from the router first. Each step starts with the run's
/// budget and what the run used so far (which its first write also records on the run, for GetRun); as each step
/// ends its usage is added and the run-wide budgets are checked. A step whose outcome is a failure, or a budget used up (wall
/// time included, also while approvals are awaited), ends the schedule with <see cref="StepFailedException"/>.
/// </summary>
internal sealed class StepScheduler(
    WorkflowContext context, RunInput input, PlanDocument plan, int planVersion, WorkflowTaskOptions activityOptions, UsageTotals usedBefore)
{
    private readonly Dictionary<string, string> _outputs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _structured = new(StringComparer.Ordinal);
    private readonly Dictionary<string, UsageTotals> _counted = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _roles = new(StringComparer.Ordinal);

    /// <summary>Reviews of a step whose plan names a reviewer but no number of rounds.</summary>
    public const int DefaultReviewRounds = 2;

    /// <summary>The outputs of the steps that finished so far, in the order they finished (for a new plan after a failure).</summary>
    public IReadOnlyList<DependencyOutput> Finished => _outputs.Select(o => new DependencyOutput(o.Key, _roles[o.Key], o.Value, _structured.Contains(o.Key))).ToList();

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
        if (step.Role.Length == 0 && step.Capability is { Length: > 0 })
        {
            step = step with { Role = await RouteAsync(step).ConfigureAwait(true) };
        }

        _roles[step.Id] = step.Role;
        var dependencies = step.DependsOn
            .Select(id => new DependencyOutput(id, _roles[id], _outputs[id], _structured.Contains(id)))
            .ToList();
        var outcome = await ExecuteAsync(step, dependencies, new StepRound(1, null, null)).ConfigureAwait(true);
        if (step.ReviewBy is { Length: > 0 } reviewer)
        {
            var rounds = step.MaxReviewRounds is > 0 ? step.MaxReviewRounds.Value : DefaultReviewRounds;
            for (var round = 1; ; round++)
            {
                var review = await ReviewAsync(step, reviewer, outcome, round).ConfigureAwait(true);
                var final = review.Approved || round == rounds;
                await context.CallActivityAsync(nameof(UpdateRunActivity), new RunUpdate(input.RunId)
                {
                    Review = new ReviewRecord(step.Id, ReviewStepId(step.Id, round), round, review.Approved, review.Feedback, final),
                }).ConfigureAwait(true);
                if (final)
                {
                    break;
                }

                outcome = await ExecuteAsync(step, dependencies, new StepRound(round + 1, review.Feedback, null)).ConfigureAwait(true);
            }
        }

        if (outcome.Structured)
        {
            _structured.Add(step.Id);
        }

        return outcome.Output ?? "";
    }

    /// <summary>
    /// Runs one version of <paramref name="step"/> (<paramref name="round"/>) to its output: attempts, approvals in between,
    /// budget checks. Adds what it used to the run's usage (a step's result counts all its rounds, so only the new part).
    /// </summary>
    private async Task<StepOutcome> ExecuteAsync(PlanDocumentStep step, IReadOnlyList<DependencyOutput> dependencies, StepRound round)
    {
        var decisions = new List<Decision>();
        for (var attempt = 1; ; attempt++)
        {
            if (input.Budget.WallTimeOverrun(input.StartedAt, context.CurrentUtcDateTime, step.Id) is { } late)
            {
                throw new StepFailedException(StepFailure.From(late));
            }

            var outcome = await context.CallActivityAsync<StepOutcome>(
                nameof(RunStepActivity),
                new StepInput(input.RunId, input.Goal, step, dependencies, decisions, attempt, input.Budget, Usage, input.StartedAt) { Round = round, PlanVersion = planVersion },
                activityOptions).ConfigureAwait(true);
            if (outcome.Approvals.Count == 0)
            {
                var counted = _counted.GetValueOrDefault(step.Id, UsageTotals.Zero);
                Usage = Usage.Add(outcome.Usage.Subtract(counted));
                _counted[step.Id] = outcome.Usage;
            }

            if (outcome.Failure is { } failure)
            {
                throw new StepFailedException(failure);
            }

            if (outcome.Approvals.Count == 0)
            {
                if (input.Budget.FindOverrun(Usage, step.Id) is { } overrun)
                {
                    throw new StepFailedException(StepFailure.From(overrun));
                }

                return outcome;
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

    /// <summary>Review <paramref name="round"/> of <paramref name="step"/>'s output by <paramref name="reviewer"/>: a step of its own whose answer fits <see cref="ReviewVerdict.Schema"/>.</summary>
    private async Task<ReviewVerdict> ReviewAsync(PlanDocumentStep step, string reviewer, StepOutcome outcome, int round)
    {
        var review = new PlanDocumentStep
        {
            Id = ReviewStepId(step.Id, round),
            Role = reviewer,
            Instruction = $"Review the output of step {step.Id} (its instruction: {step.Instruction}) against the goal. "
                + "Answer with verdict \"approve\" when it does what was asked, or \"revise\" with feedback that says what to change.",
            DependsOn = [step.Id],
        };
        var reviewed = new DependencyOutput(step.Id, step.Role, outcome.Output ?? "", outcome.Structured);
        var verdict = await ExecuteAsync(review, [reviewed], new StepRound(1, null, ReviewVerdict.Schema)).ConfigureAwait(true);
        return ReviewVerdict.Parse(verdict.Output ?? "");
    }

    /// <summary>The role the router picks for a step that names a capability (recorded as a StepRouted event).</summary>
    private async Task<string> RouteAsync(PlanDocumentStep step)
    {
        var routed = await context.CallActivityAsync<RouteOutcome>(nameof(RouteStepActivity), new RouteInput(input.RunId, input.Goal, step), activityOptions).ConfigureAwait(true);
        Usage = Usage.Add(routed.Usage);
        return routed.Failure is { } failure ? throw new StepFailedException(failure) : routed.Role;
    }

    /// <summary>The step id of review <paramref name="round"/> of step <paramref name="stepId"/>.</summary>
    public static string ReviewStepId(string stepId, int round) => $"{stepId}-review-{round}";

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
