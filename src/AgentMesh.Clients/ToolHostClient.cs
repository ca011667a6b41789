using AgentMesh.Contracts.V1;
using AgentMesh.Grpc;
using AgentMesh.Grpc.Client;

namespace AgentMesh.Clients;

/// <summary>Client of agentmesh.v1.ToolHost (toolhost.proto).</summary>
public sealed class ToolHostClient(GrpcChannel channel)
{
    private static readonly Method<ListToolsRequest, ListToolsResponse> ListToolsMethod = Method<ListToolsRequest, ListToolsResponse>.Create(ContractServices.ToolHost, "ListTools");
    private static readonly Method<CallToolRequest, CallToolResponse> CallToolMethod = Method<CallToolRequest, CallToolResponse>.Create(ContractServices.ToolHost, "CallTool");

    public Task<ListToolsResponse> ListToolsAsync(ListToolsRequest request, CallOptions options = default) => channel.UnaryAsync(ListToolsMethod, request, options);

    public AsyncServerStreamingCall<CallToolResponse> CallTool(CallToolRequest request, CallOptions options = default) => channel.ServerStreaming(CallToolMethod, request, options);
}
