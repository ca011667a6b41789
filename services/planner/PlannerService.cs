using AgentMesh.Clients;
using AgentMesh.Contracts.V1;
using Grpc.Core;
using AgentMesh.Planning;
using AgentMesh.Telemetry;
using Microsoft.Extensions.Logging;
using PlannerContract = AgentMesh.Contracts.V1.Planner;

namespace AgentMesh.Services.Planner;

/// <summary>agentmesh.v1.Planner: streams progress, the model's turns, then the validated plan.</summary>
public sealed class PlannerService(PlanAuthor author, ILogger<PlannerService> logger) : PlannerContract.PlannerBase
{
    public override async Task CreatePlan(CreatePlanRequest request, IServerStreamWriter<CreatePlanResponse> responseStream, ServerCallContext context)
    {
        if (string.IsNullOrWhiteSpace(request.Goal))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "CreatePlanRequest.goal is empty; say what the run should achieve."));
        }

        var token = context.CancellationToken;
        using var scope = logger.BeginScope(LogScopes.Step(request.RunId, null));
        await responseStream.WriteAsync(new CreatePlanResponse { Progress = "Asking the model for a plan" }, token).ConfigureAwait(false);
        try
        {
            var result = await author.CreateAsync(
                request,
                turn => responseStream.WriteAsync(new CreatePlanResponse { ModelTurn = turn }, token),
                token).ConfigureAwait(false);
            await responseStream.WriteAsync(new CreatePlanResponse { Result = result }, token).ConfigureAwait(false);
        }
        catch (PlanValidationException e)
        {
            throw new RpcException(
                new Status(StatusCode.FailedPrecondition, $"The model's plan was still invalid after one correction: {string.Join("; ", e.Errors)}"),
                new Metadata { { FailureClasses.Trailer, FailureClasses.Model } });
        }
    }
}
