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
public sealed class CreatePlanActivity(Planner.PlannerClient planner, RunEventWriter events) : WorkflowActivity<PlanRequest, PlanOutcome>
{
    public override async Task<PlanOutcome> RunAsync(WorkflowActivityContext context, PlanRequest request)
    {
        var token = context.CancellationToken;
        var input = request.Run;
        using var span = AgentMeshTelemetry.StartRunActivity("CreatePlan", input.RunId);
        var planRequest = new CreatePlanRequest
        {
            RunId = input.RunId, Goal = input.Goal, PlanVersion = request.Version, PreviousFailure = request.PreviousFailure ?? "",
            PreviousPlan = request.PreviousPlan is null ? null : PlanJson.ToProto(request.PreviousPlan),
        };
        planRequest.OutputsSoFar.AddRange(request.OutputsSoFar.Select(o => new StepOutput { StepId = o.StepId, AgentRole = o.Role, Output = o.Output }));
        using var call = planner.CreatePlan(planRequest, deadline: input.Budget.Deadline(input.StartedAt), cancellationToken: token);
        try
        {
            return await ReadAsync(call, input.RunId, request.Version, token).ConfigureAwait(false);
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

    private async Task<PlanOutcome> ReadAsync(AsyncServerStreamingCall<CreatePlanResponse> call, string runId, int version, CancellationToken token)
    {
        await foreach (var message in call.ResponseStream.ReadAllAsync(token).ConfigureAwait(false))
        {
            switch (message.KindCase)
            {
                case CreatePlanResponse.KindOneofCase.Progress:
                    await events.AppendAsync(runId, new RunEvent { PlanningProgress = new PlanningProgress { Message = message.Progress } }, token).ConfigureAwait(false);
                    break;
                case CreatePlanResponse.KindOneofCase.ModelTurn:
                    await events.AppendAsync(runId, new RunEvent { ModelTurn = message.ModelTurn }, token).ConfigureAwait(false);
                    break;
                case CreatePlanResponse.KindOneofCase.Result:
                    await events.AppendAsync(runId, new RunEvent { PlanCreated = new PlanCreated { Plan = message.Result.Plan, Version = version } }, token).ConfigureAwait(false);
                    return new PlanOutcome(PlanJson.FromProto(message.Result.Plan), UsageTotals.FromProto(message.Result.Usage));
            }
        }

        throw new RpcException(new Status(StatusCode.Internal, "The Planner ended CreatePlan without a plan."));
    }
}
