using AgentMesh.Contracts.V1;
using AgentMesh.Grpc;
using AgentMesh.Grpc.Client;

namespace AgentMesh.Clients;

/// <summary>Client of agentmesh.v1.Planner (planner.proto).</summary>
public sealed class PlannerClient(GrpcChannel channel)
{
    private static readonly Method<CreatePlanRequest, CreatePlanResponse> CreatePlanMethod = Method<CreatePlanRequest, CreatePlanResponse>.Create(ContractServices.Planner, "CreatePlan");

    public AsyncServerStreamingCall<CreatePlanResponse> CreatePlan(CreatePlanRequest request, CallOptions options = default) => channel.ServerStreaming(CreatePlanMethod, request, options);
}
