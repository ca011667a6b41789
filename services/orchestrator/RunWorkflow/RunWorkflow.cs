using AgentMesh.Clients;
using AgentMesh.Contracts.V1;
using AgentMesh.Planning;
using AgentMesh.Services.Orchestrator.Budgets;
using Dapr.Workflow;

namespace AgentMesh.Services.Orchestrator.RunWorkflow;

/// <summary>
/// One run as a durable workflow (instance id = run id): plan (unless the caller gave one), then
/// run the plan's steps as activities, each as soon as its dependencies are done (independent
/// steps in parallel), pausing for approvals the steps ask for; finally record the outcome.
/// The run's budget (<see cref="RunBudget"/>) is checked after planning and after every step, and each step
/// enforces it while it runs; a budget used up ends the run FAILED (class <c>logic</c>) after a BudgetExceeded event.
/// A run started from a goal whose step fails for good (class logic or model, not a budget) asks the Planner for a new
/// plan, up to <see cref="RunSettings.MaxReplans"/> times (replanning); every plan version is kept on the run.
/// Deterministic: all I/O happens in activities, and its settings and budget come with its input.
/// </summary>
public sealed class RunWorkflow : Workflow<RunInput, string>
{
    /// <summary>Name of the external event that carries the decision on <paramref name="approvalId"/>.</summary>
    public static string ApprovalEventName(string approvalId) => "approval:" + approvalId;

    public override async Task<string> RunAsync(WorkflowContext context, RunInput input)
    {
        var settings = input.Settings;
        var activityOptions = new WorkflowTaskOptions(new WorkflowRetryPolicy(
            settings.ActivityMaxAttempts, settings.ActivityFirstRetryInterval, backoffCoefficient: 2.0));
        var usage = UsageTotals.Zero;
        StepScheduler? steps = null;
        try
        {
            var plan = input.Plan;
            if (plan is null)
            {
                await Update(context, new RunUpdate(input.RunId) { Status = RunStatus.Planning }).ConfigureAwait(true);
                var planned = await context.CallActivityAsync<PlanOutcome>(nameof(CreatePlanActivity), new PlanRequest(input, 1, null, null, []), activityOptions).ConfigureAwait(true);
                usage = usage.Add(planned.Usage);
                if ((planned.Failure ?? Overrun(input, usage, context)) is { } failure)
                {
                    return await FailAsync(context, input, failure, usage).ConfigureAwait(true);
                }

                plan = planned.Plan!;
            }

            await Update(context, new RunUpdate(input.RunId) { Status = RunStatus.Running, Plan = plan, Usage = usage }).ConfigureAwait(true);
            for (var version = 1; ; version++)
            {
                steps = new StepScheduler(context, input, plan, version, activityOptions, usage);
                try
                {
                    var outputs = await steps.RunAllAsync().ConfigureAwait(true);
                    usage = steps.Usage;
                    var output = FinalOutput(plan, outputs);
                    await Update(context, new RunUpdate(input.RunId) { Status = RunStatus.Completed, Output = output, Usage = usage }).ConfigureAwait(true);
                    return output;
                }
                catch (StepFailedException e) when (input.Plan is null && version <= settings.MaxReplans && Replannable(e.Failure))
                {
                    // A step failed for good: the Planner gets the failure and what the finished steps produced, and
                    // the run goes on with its new plan (a new version; every version stays on the run).
                    usage = steps.Usage;
                    var replanned = await context.CallActivityAsync<PlanOutcome>(
                        nameof(CreatePlanActivity), new PlanRequest(input, version + 1, e.Failure.RunError, plan, steps.Finished), activityOptions).ConfigureAwait(true);
                    usage = usage.Add(replanned.Usage);
                    steps = null;
                    if ((replanned.Failure ?? Overrun(input, usage, context)) is { } failure)
                    {
                        return await FailAsync(context, input, failure, usage).ConfigureAwait(true);
                    }

                    plan = replanned.Plan!;
                    await Update(context, new RunUpdate(input.RunId) { Plan = plan, PlanVersion = version + 1, Usage = usage }).ConfigureAwait(true);
                }
            }
        }
        catch (WorkflowTaskFailedException e)
        {
            var reason = e.FailureDetails?.ErrorMessage ?? e.Message;
            // ErrorType is the exception's full type name (the SDK's IsCausedBy cannot resolve a type of this assembly).
            var failureClass = e.FailureDetails?.ErrorType == typeof(TransientStepFailureException).FullName ? FailureClasses.Transient : "";
            return await FailAsync(context, input, new StepFailure("", failureClass, reason), steps?.Usage ?? usage).ConfigureAwait(true);
        }
        catch (StepFailedException e)
        {
            return await FailAsync(context, input, e.Failure, steps?.Usage ?? usage).ConfigureAwait(true);
        }
    }

    /// <summary>Whether a new plan may get past <paramref name="failure"/>: a step's own failure of class logic (not a budget) or model.</summary>
    private static bool Replannable(StepFailure failure)
        => failure.Budget is null && failure.StepId.Length > 0 && failure.FailureClass is FailureClasses.Logic or FailureClasses.Model;

    /// <summary>The failure of a run that used up a budget while planning, or null.</summary>
    private static StepFailure? Overrun(RunInput input, UsageTotals usage, WorkflowContext context)
        => (input.Budget.FindOverrun(usage, "") ?? input.Budget.WallTimeOverrun(input.StartedAt, context.CurrentUtcDateTime, "")) is { } overrun
            ? StepFailure.From(overrun)
            : null;

    /// <summary>Records the run as FAILED with the failure's message and class (after a BudgetExceeded event when a budget ran out); the workflow's output is empty.</summary>
    private static async Task<string> FailAsync(WorkflowContext context, RunInput input, StepFailure failure, UsageTotals usage)
    {
        await Update(context, new RunUpdate(input.RunId)
        {
            Status = RunStatus.Failed, Reason = failure.RunError, FailureClass = failure.FailureClass, Usage = usage, BudgetExceeded = failure.Budget,
        }).ConfigureAwait(true);
        return "";
    }

    private static Task Update(WorkflowContext context, RunUpdate update)
        => context.CallActivityAsync(nameof(UpdateRunActivity), update);

    /// <summary>The outputs of the steps nothing depends on, in plan order.</summary>
    private static string FinalOutput(PlanDocument plan, IReadOnlyDictionary<string, string> outputs)
    {
        var needed = plan.Steps.SelectMany(s => s.DependsOn).ToHashSet(StringComparer.Ordinal);
        var sinks = plan.Steps.Where(s => !needed.Contains(s.Id)).ToList();
        return sinks.Count == 1
            ? outputs[sinks[0].Id]
            : string.Join("\n\n", sinks.Select(s => $"## {s.Id}\n\n{outputs[s.Id]}"));
    }
}
