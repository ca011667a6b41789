using AgentMesh.Contracts.V1;
using Grpc.Core;
using AgentMesh.Services.Agents.Loop;
using AgentMesh.Services.Agents.Roles;
using AgentMesh.Telemetry;
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

        // One invoke_agent span per step attempt (GenAI semantic conventions); the model calls' chat spans and the
        // tool calls' execute_tool spans are its children.
        using var span = AgentMeshTelemetry.StartInvokeAgent(request.Step.AgentRole, request.RunId, request.Step.Id);
        // Every log line of the step (and of the in-process calls it makes) carries the run and step ids.
        using var scope = logger.BeginScope(LogScopes.Step(request.RunId, request.Step.Id));
        // The caller's cancellation (and, by call-context propagation, its deadline) flows into the calls this step makes.
        try
        {
            await loop.RunAsync(request, e => responseStream.WriteAsync(e, context.CancellationToken), new CallOptions(cancellationToken: context.CancellationToken)).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (context.CancellationToken.IsCancellationRequested)
        {
            AgentMeshTelemetry.Fail(span, e.GetType().FullName!);
            AgentsLog.StepCancelled(logger, request.RunId, request.Step.Id);
            throw;
        }
        catch (Exception e)
        {
            // error.type: the gRPC status code the step failed with (e.g. ResourceExhausted), else the exception's type.
            AgentMeshTelemetry.Fail(span, e is RpcException rpc ? rpc.StatusCode.ToString() : e.GetType().FullName!, e.Message);
            throw;
        }
    }
}
