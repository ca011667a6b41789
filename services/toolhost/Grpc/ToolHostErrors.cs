using System.Text.Json;
using Grpc.Core;
using AgentMesh.Services.ToolHost.Catalog;

namespace AgentMesh.Services.ToolHost.Grpc;

/// <summary>Maps catalog exceptions to gRPC statuses; messages say what to fix.</summary>
internal static class ToolHostErrors
{
    /// <summary>The status for <paramref name="error"/>, or null when it is not a known failure (let it surface as UNKNOWN).</summary>
    public static RpcException? ToRpcException(Exception error) => error switch
    {
        RpcException rpc => rpc,
        ToolNotFoundException e => new RpcException(new Status(StatusCode.NotFound, e.Message + (e.Tool is null ? "" : "; call ListTools for the available tools"))),
        ToolTimeoutException e => new RpcException(new Status(StatusCode.DeadlineExceeded, e.Message + "; pass a longer CallToolRequest.timeout or raise agentmesh.toolTimeoutSeconds")),
        ToolServerUnavailableException e => new RpcException(new Status(StatusCode.Unavailable, e.Message)),
        JsonException e => new RpcException(new Status(StatusCode.InvalidArgument, $"arguments_json is not valid JSON: {e.Message}")),
        ArgumentException e => new RpcException(new Status(StatusCode.InvalidArgument, e.Message)),
        _ => null,
    };
}
