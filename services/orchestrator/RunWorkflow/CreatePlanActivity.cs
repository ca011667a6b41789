using AgentMesh.Clients;
using AgentMesh.Contracts.V1;
using Grpc.Core;
using AgentMesh.Planning;
using AgentMesh.Services.Orchestrator.Budgets;
using AgentMesh.Telemetry;
using Dapr.Workflow;

namespace AgentMesh.Services.Orchestrator.RunWorkflow;

/// <summary>
/// Asks the Planner for a plan (streaming its progress into the run's events) and records the plan. A planning
/// failure of class <c>model</c> (a plan still invalid after its correction) or <c>fatal</c> (the model service
/// refused the request) is returned as the outcome's failure, so it is not retried; so is the run's wall time
/// running out (the CreatePlan call's deadline).
/// </summary>
public sealed class CreatePlanActivity(Planner.PlannerClient planner, RunEventWriter events) : WorkflowActivity<RunInput, PlanOutcome>
{
    public override async Task<PlanOutcome> RunAsync(WorkflowActivityContext context, RunInput input)
    {
        var token = context.CancellationToken;
        using var span = AgentMeshTelemetry.StartRunActivity("CreatePlan", input.RunId);
        using var call = planner.CreatePlan(new CreatePlanRequest { RunId = input.RunId, Goal = input.Goal }, deadline: input.Budget.Deadline(input.StartedAt), cancellationToken: token);
        try
        {
            return await ReadAsync(call, input, token).ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.DeadlineExceeded && input.Budget.WallTimeOverrun(input.StartedAt, DateTime.UtcNow, "") is { } late)
        {
            return new PlanOutcome(null, UsageTotals.Zero) { Failure = StepFailure.From(late) };
        }
        catch (RpcException e) when (e.Trailers.GetValue(FailureClasses.Trailer) is FailureClasses.Model or FailureClasses.Fatal)
        {
            // Planning again would fail the same way: the outcome ends the run instead of a retry.
            return new PlanOutcome(null, UsageTotals.Zero) { Failure = new StepFailure("", e.Trailers.GetValue(FailureClasses.Trailer)!, e.Status.Detail) };
        }
    }

    private async Task<PlanOutcome> ReadAsync(AsyncServerStreamingCall<CreatePlanResponse> call, RunInput input, CancellationToken token)
    {
        await foreach (var message in call.ResponseStream.ReadAllAsync(token).ConfigureAwait(false))
        {
            switch (message.KindCase)
            {
                case CreatePlanResponse.KindOneofCase.Progress:
                    await events.AppendAsync(input.RunId, new RunEvent { PlanningProgress = new PlanningProgress { Message = message.Progress } }, token).ConfigureAwait(false);
                    break;
                case CreatePlanResponse.KindOneofCase.ModelTurn:
                    await events.AppendAsync(input.RunId, new RunEvent { ModelTurn = message.ModelTurn }, token).ConfigureAwait(false);
                    break;
                case CreatePlanResponse.KindOneofCase.Result:
                    await events.AppendAsync(input.RunId, new RunEvent { PlanCreated = new PlanCreated { Plan = message.Result.Plan } }, token).ConfigureAwait(false);
                    return new PlanOutcome(PlanJson.FromProto(message.Result.Plan), UsageTotals.FromProto(message.Result.Usage));
            }
        }

        throw new RpcException(new Status(StatusCode.Internal, "The Planner ended CreatePlan without a plan."));
    }
}
