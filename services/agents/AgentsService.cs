using AgentMesh.Contracts.V1;
using AgentMesh.Grpc;
using AgentMesh.Services.Agents.Loop;
using Microsoft.Extensions.Logging;

namespace AgentMesh.Services.Agents;

/// <summary>agentmesh.v1.Agents: runs plan steps with the specialist agent of their role.</summary>
public sealed class AgentsService(AgentLoop loop, ILogger<AgentsService> logger)
{
    public async Task RunStep(RunStepRequest request, IServerStreamWriter<RunStepEvent> responseStream, ServerCallContext context)
    {
        if (request.Step is null || string.IsNullOrEmpty(request.RunId))
        {
            throw new RpcException(StatusCode.InvalidArgument, "RunStepRequest needs run_id and step.");
        }

        // The caller's deadline and cancellation flow into the calls this step makes.
        try
        {
            await loop.RunAsync(request, e => responseStream.WriteAsync(e, context.CancellationToken), context.ToDownstreamOptions()).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            AgentsLog.StepCancelled(logger, request.RunId, request.Step.Id);
            throw;
        }
    }
}
