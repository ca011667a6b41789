using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace AgentMesh.Tests.State.DaprStandIn;

/// <summary>
/// The errors <see cref="DaprStateStandIn"/> answers with, shaped like daprd's (dapr/dapr pkg/api/grpc and
/// pkg/api/errors over dapr/kit errors): a gRPC status code and message, plus a <c>google.rpc.Status</c> in
/// <c>grpc-status-details-bin</c> carrying an <c>ErrorInfo</c> in domain <c>dapr.io</c> whose reason is the error code.
/// </summary>
internal static class DaprStandInErrors
{
    /// <summary>SaveState failed: Aborted for an ETag mismatch, else Internal (daprd <c>getStateErrorCode</c>; ERR_STATE_SAVE).</summary>
    public static RpcException Save(string storeName, Exception error) =>
        Build(error is DaprStandInETagException ? Code.Aborted : Code.Internal, $"failed saving state in state store {storeName}: {error.Message}", "ERR_STATE_SAVE");

    /// <summary>DeleteState failed: Aborted for an ETag mismatch, else Internal (ERR_STATE_DELETE).</summary>
    public static RpcException Delete(string key, Exception error) =>
        Build(error is DaprStandInETagException ? Code.Aborted : Code.Internal, $"failed deleting state with key {key}: {error.Message}", "ERR_STATE_DELETE");

    /// <summary>ExecuteStateTransaction failed: always Internal, ETag mismatch included (ERR_STATE_TRANSACTION).</summary>
    public static RpcException Transaction(Exception error) =>
        Build(Code.Internal, $"error while executing state transaction: {error.Message}", "ERR_STATE_TRANSACTION");

    /// <summary>No component of that name (pkg/api/errors StateStore.NotFound).</summary>
    public static RpcException StoreNotFound(string storeName) =>
        Build(Code.InvalidArgument, $"state store {storeName} is not found", "DAPR_STATE_NOT_FOUND");

    /// <summary>A key with Dapr's reserved separator (pkg/components/state GetModifiedStateKey).</summary>
    public static RpcException IllegalKey(string key) =>
        Build(Code.InvalidArgument, $"input key/keyPrefix '{key}' can't contain '||'", "DAPR_STATE_ILLEGAL_KEY");

    /// <summary>A save of an empty key (ERR_STATE_SAVE).</summary>
    public static RpcException EmptyKey() => Build(Code.InvalidArgument, "state key cannot be empty", "ERR_STATE_SAVE");

    /// <summary>A transaction operation type other than upsert / delete.</summary>
    public static RpcException UnsupportedOperation(string operationType) =>
        Build(Code.Unimplemented, $"operation type {operationType} not supported", "ERR_NOT_SUPPORTED_STATE_OPERATION");

    /// <summary>A missing or wrong <c>dapr-api-token</c> (pkg/api/grpc auth: HTTP 401 mapped to Unauthenticated).</summary>
    public static RpcException Unauthenticated(string detail) =>
        Build(Code.Unauthenticated, "Unauthorized", "ERR_UNAUTHORIZED", detail);

    private static RpcException Build(Code code, string message, string reason, string? detail = null)
    {
        var info = new ErrorInfo { Domain = "dapr.io", Reason = reason };
        if (detail is not null)
        {
            info.Metadata["detail"] = detail;
        }

        return new Google.Rpc.Status { Code = (int)code, Message = message, Details = { Any.Pack(info) } }.ToRpcException();
    }
}
