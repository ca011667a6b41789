using System.Text.Json;
using AgentMesh.Grpc;
using AgentMesh.Services.ToolHost.Catalog;

namespace AgentMesh.Services.ToolHost.Grpc;

/// <summary>Maps catalog exceptions to gRPC statuses; messages say what to fix.</summary>
internal static class ToolHostErrors
{
    /// <summary>The status for <paramref name="error"/>, or null when it is not a known failure (let it surface as UNKNOWN).</summary>
    public static RpcException? ToRpcException(Exception error) => error switch
    {
        RpcException rpc => rpc,
        ToolNotFoundException e => new RpcException(StatusCode.NotFound, e.Message + (e.Tool is null ? "" : "; call ListTools for the available tools")),
        ToolTimeoutException e => new RpcException(StatusCode.DeadlineExceeded, e.Message + "; pass a longer CallToolRequest.timeout or raise agentmesh.toolTimeoutSeconds"),
        ToolServerUnavailableException e => new RpcException(StatusCode.Unavailable, e.Message),
        JsonException e => new RpcException(StatusCode.InvalidArgument, $"arguments_json is not valid JSON: {e.Message}"),
        ArgumentException e => new RpcException(StatusCode.InvalidArgument, e.Message),
        _ => null,
    };
}
