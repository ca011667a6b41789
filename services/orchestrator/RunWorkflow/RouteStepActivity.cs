using AgentMesh.Clients;
using AgentMesh.Contracts.V1;
using AgentMesh.Services.Orchestrator.Budgets;
using Dapr.Workflow;
using Grpc.Core;

namespace AgentMesh.Services.Orchestrator.RunWorkflow;

/// <summary>
/// Picks the role for a step that names a capability (Agents.ChooseRole) and records the choice as a StepRouted event.
/// The choice is the activity's result, so a restarted run keeps it. No role with the capability (or a model service
/// that refuses the router for good) is a failure of class <c>fatal</c> that ends the run; other failures are retried.
/// </summary>
public sealed class RouteStepActivity(Agents.AgentsClient agents, RunEventWriter events) : WorkflowActivity<RouteInput, RouteOutcome>
{
    public override async Task<RouteOutcome> RunAsync(WorkflowActivityContext context, RouteInput input)
    {
        var token = context.CancellationToken;
        var step = input.Step;
        ChooseRoleResponse chosen;
        try
        {
            chosen = await agents.ChooseRoleAsync(new ChooseRoleRequest
            {
                RunId = input.RunId, Goal = input.Goal,
                Step = new PlanStep { Id = step.Id, Capability = step.Capability ?? "", Instruction = step.Instruction },
            }, cancellationToken: token).ConfigureAwait(false);
        }
        catch (RpcException e) when (e.Trailers.GetValue(FailureClasses.Trailer) == FailureClasses.Fatal)
        {
            return new RouteOutcome("", "", UsageTotals.Zero) { Failure = new StepFailure(step.Id, FailureClasses.Fatal, e.Status.Detail) };
        }

        await events.AppendAsync(input.RunId, new RunEvent
        {
            StepRouted = new StepRouted { StepId = step.Id, Capability = step.Capability ?? "", AgentRole = chosen.AgentRole, Reason = chosen.Reason },
        }, token).ConfigureAwait(false);
        return new RouteOutcome(chosen.AgentRole, chosen.Reason, UsageTotals.FromProto(chosen.Usage));
    }
}
