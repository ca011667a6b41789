using AgentMesh.Contracts.V1;
using Grpc.Core;
using AgentMesh.Services.Agents.Loop;
using AgentMesh.Services.Agents.Roles;
using Microsoft.Extensions.Logging;
using AgentsContract = AgentMesh.Contracts.V1.Agents;

namespace AgentMesh.Services.Agents;

/// <summary>agentmesh.v1.Agents: runs plan steps with the specialist agent of their role.</summary>
public sealed class AgentsService(AgentLoop loop, RoleRouter router, ILogger<AgentsService> logger) : AgentsContract.AgentsBase
{
    /// <summary>Picks the role for a step that names a capability (<see cref="RoleRouter"/>).</summary>
    public override Task<ChooseRoleResponse> ChooseRole(ChooseRoleRequest request, ServerCallContext context)
        => router.ChooseAsync(request, context.CancellationToken);

    public override async Task RunStep(RunStepRequest request, IServerStreamWriter<RunStepEvent> responseStream, ServerCallContext context)
    {
        if (request.Step is null || string.IsNullOrEmpty(request.RunId))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "RunStepRequest needs run_id and step."));
        }

        // The caller's cancellation (and, by call-context propagation, its deadline) flows into the calls this step makes.
        try
        {
            await loop.RunAsync(request, e => responseStream.WriteAsync(e, context.CancellationToken), new CallOptions(cancellationToken: context.CancellationToken)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            AgentsLog.StepCancelled(logger, request.RunId, request.Step.Id);
            throw;
        }
    }
}
