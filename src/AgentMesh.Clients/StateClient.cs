using AgentMesh.Contracts.V1;
using AgentMesh.Grpc;
using AgentMesh.Grpc.Client;

namespace AgentMesh.Clients;

/// <summary>Client of agentmesh.v1.State (state.proto).</summary>
public sealed class StateClient(GrpcChannel channel)
{
    private static readonly Method<SaveRunRequest, SaveRunResponse> SaveRunMethod = Method<SaveRunRequest, SaveRunResponse>.Create(ContractServices.State, "SaveRun");
    private static readonly Method<GetRunRecordRequest, RunRecord> GetRunMethod = Method<GetRunRecordRequest, RunRecord>.Create(ContractServices.State, "GetRun");
    private static readonly Method<ListRunRecordsRequest, ListRunRecordsResponse> ListRunsMethod = Method<ListRunRecordsRequest, ListRunRecordsResponse>.Create(ContractServices.State, "ListRuns");
    private static readonly Method<AppendRunEventsRequest, AppendRunEventsResponse> AppendRunEventsMethod = Method<AppendRunEventsRequest, AppendRunEventsResponse>.Create(ContractServices.State, "AppendRunEvents");
    private static readonly Method<ReadRunEventsRequest, RunEvent> ReadRunEventsMethod = Method<ReadRunEventsRequest, RunEvent>.Create(ContractServices.State, "ReadRunEvents");
    private static readonly Method<SaveCheckpointRequest, SaveCheckpointResponse> SaveCheckpointMethod = Method<SaveCheckpointRequest, SaveCheckpointResponse>.Create(ContractServices.State, "SaveCheckpoint");
    private static readonly Method<GetCheckpointRequest, GetCheckpointResponse> GetCheckpointMethod = Method<GetCheckpointRequest, GetCheckpointResponse>.Create(ContractServices.State, "GetCheckpoint");

    public Task<SaveRunResponse> SaveRunAsync(SaveRunRequest request, CallOptions options = default) => channel.UnaryAsync(SaveRunMethod, request, options);

    public Task<RunRecord> GetRunAsync(GetRunRecordRequest request, CallOptions options = default) => channel.UnaryAsync(GetRunMethod, request, options);

    public Task<ListRunRecordsResponse> ListRunsAsync(ListRunRecordsRequest request, CallOptions options = default) => channel.UnaryAsync(ListRunsMethod, request, options);

    public Task<AppendRunEventsResponse> AppendRunEventsAsync(AppendRunEventsRequest request, CallOptions options = default) => channel.UnaryAsync(AppendRunEventsMethod, request, options);

    public AsyncServerStreamingCall<RunEvent> ReadRunEvents(ReadRunEventsRequest request, CallOptions options = default) => channel.ServerStreaming(ReadRunEventsMethod, request, options);

    public Task<SaveCheckpointResponse> SaveCheckpointAsync(SaveCheckpointRequest request, CallOptions options = default) => channel.UnaryAsync(SaveCheckpointMethod, request, options);

    public Task<GetCheckpointResponse> GetCheckpointAsync(GetCheckpointRequest request, CallOptions options = default) => channel.UnaryAsync(GetCheckpointMethod, request, options);
}
