using AgentMesh.Contracts.V1;
using AgentMesh.Grpc;
using AgentMesh.Grpc.Client;

namespace AgentMesh.Clients;

/// <summary>Client of agentmesh.v1.Orchestrator (orchestrator.proto).</summary>
public sealed class OrchestratorClient(GrpcChannel channel)
{
    private static readonly Method<StartRunRequest, StartRunResponse> StartRunMethod = Method<StartRunRequest, StartRunResponse>.Create(ContractServices.Orchestrator, "StartRun");
    private static readonly Method<WatchRunRequest, RunEvent> WatchRunMethod = Method<WatchRunRequest, RunEvent>.Create(ContractServices.Orchestrator, "WatchRun");
    private static readonly Method<GetRunRequest, Run> GetRunMethod = Method<GetRunRequest, Run>.Create(ContractServices.Orchestrator, "GetRun");
    private static readonly Method<ListRunsRequest, ListRunsResponse> ListRunsMethod = Method<ListRunsRequest, ListRunsResponse>.Create(ContractServices.Orchestrator, "ListRuns");
    private static readonly Method<CancelRunRequest, Run> CancelRunMethod = Method<CancelRunRequest, Run>.Create(ContractServices.Orchestrator, "CancelRun");
    private static readonly Method<SubmitApprovalRequest, SubmitApprovalResponse> SubmitApprovalMethod = Method<SubmitApprovalRequest, SubmitApprovalResponse>.Create(ContractServices.Orchestrator, "SubmitApproval");

    public Task<StartRunResponse> StartRunAsync(StartRunRequest request, CallOptions options = default) => channel.UnaryAsync(StartRunMethod, request, options);

    public AsyncServerStreamingCall<RunEvent> WatchRun(WatchRunRequest request, CallOptions options = default) => channel.ServerStreaming(WatchRunMethod, request, options);

    public Task<Run> GetRunAsync(GetRunRequest request, CallOptions options = default) => channel.UnaryAsync(GetRunMethod, request, options);

    public Task<ListRunsResponse> ListRunsAsync(ListRunsRequest request, CallOptions options = default) => channel.UnaryAsync(ListRunsMethod, request, options);

    public Task<Run> CancelRunAsync(CancelRunRequest request, CallOptions options = default) => channel.UnaryAsync(CancelRunMethod, request, options);

    public Task<SubmitApprovalResponse> SubmitApprovalAsync(SubmitApprovalRequest request, CallOptions options = default) => channel.UnaryAsync(SubmitApprovalMethod, request, options);
}
