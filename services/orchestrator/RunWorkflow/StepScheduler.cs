using AgentMesh.Contracts.V1;
using AgentMesh.Planning;
using Dapr.Workflow;

namespace AgentMesh.Services.Orchestrator.RunWorkflow;

/// <summary>
/// Workflow-side execution of a plan's DAG: starts every step whose dependencies are done, waits
/// for any to finish, repeats. A step that asks for approvals waits for their external events
/// (denied after the approval timeout) and then runs again with the decisions. A step whose outcome is a
/// failure (class <c>logic</c>) ends the schedule with <see cref="StepFailedException"/>.
/// </summary>
internal sealed class StepScheduler(
    WorkflowContext context, RunInput input, PlanDocument plan, WorkflowTaskOptions activityOptions, TimeSpan approvalTimeout)
{
    private readonly Dictionary<string, string> _outputs = new(StringComparer.Ordinal);
    private Usage _usage = Usage.Zero;

    public async Task<(IReadOnlyDictionary<string, string> Outputs, Usage Usage)> RunAllAsync()
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

        return (_outputs, _usage);
    }

    private async Task<string> RunStepAsync(PlanDocumentStep step)
    {
        var dependencies = step.DependsOn
            .Select(id => new DependencyOutput(id, plan.Steps.First(s => s.Id == id).Role, _outputs[id]))
            .ToList();
        var decisions = new List<Decision>();
        for (var attempt = 1; ; attempt++)
        {
            var outcome = await context.CallActivityAsync<StepOutcome>(
                nameof(RunStepActivity),
                new StepInput(input.RunId, input.Goal, step, dependencies, decisions, attempt),
                activityOptions).ConfigureAwait(true);
            if (outcome.Failure is { } failure)
            {
                throw new StepFailedException(failure);
            }

            if (outcome.Approvals.Count == 0)
            {
                _usage = _usage.Add(outcome.Usage);
                return outcome.Output ?? "";
            }

            await context.CallActivityAsync(nameof(UpdateRunActivity), new RunUpdate(input.RunId) { AddApprovals = outcome.Approvals }).ConfigureAwait(true);
            var newDecisions = new List<Decision>();
            foreach (var approval in outcome.Approvals)
            {
                newDecisions.Add(await WaitForDecisionAsync(approval).ConfigureAwait(true));
            }

            await context.CallActivityAsync(nameof(UpdateRunActivity), new RunUpdate(input.RunId) { ResolveApprovals = newDecisions }).ConfigureAwait(true);
            decisions.AddRange(newDecisions);
        }
    }

    private async Task<Decision> WaitForDecisionAsync(PendingApproval approval)
    {
        try
        {
            return await context.WaitForExternalEventAsync<Decision>(RunWorkflow.ApprovalEventName(approval.ApprovalId), approvalTimeout).ConfigureAwait(true);
        }
        catch (TaskCanceledException)
        {
            return new Decision(approval.ApprovalId, false, $"No decision within {approvalTimeout}; denied by timeout.", context.CurrentUtcDateTime);
        }
    }
}

/// <summary>A step failed in a way that ends the run (see <see cref="StepFailure"/>).</summary>
public sealed class StepFailedException(StepFailure failure) : Exception($"Step \"{failure.StepId}\" failed ({failure.FailureClass}): {failure.Message}")
{
    public StepFailure Failure => failure;
}

/// <summary>A step's attempt failed in a way that may pass (failure class <c>transient</c>): the activity policy retries it, and the run names the class once retries run out.</summary>
public sealed class TransientStepFailureException(string message, Exception inner) : Exception(message, inner);
