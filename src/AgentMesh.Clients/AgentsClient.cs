using AgentMesh.Contracts.V1;
using AgentMesh.Grpc;
using AgentMesh.Grpc.Client;

namespace AgentMesh.Clients;

/// <summary>Client of agentmesh.v1.Agents (agents.proto).</summary>
public sealed class AgentsClient(GrpcChannel channel)
{
    private static readonly Method<RunStepRequest, RunStepEvent> RunStepMethod = Method<RunStepRequest, RunStepEvent>.Create(ContractServices.Agents, "RunStep");

    public AsyncServerStreamingCall<RunStepEvent> RunStep(RunStepRequest request, CallOptions options = default) => channel.ServerStreaming(RunStepMethod, request, options);
}
