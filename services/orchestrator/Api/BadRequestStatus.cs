using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace AgentMesh.Services.Orchestrator.Api;

/// <summary>
/// INVALID_ARGUMENT errors a caller can fix: the readable message, plus a <c>google.rpc.BadRequest</c>
/// detail with one field violation per problem (in the <c>grpc-status-details-bin</c> trailer,
/// read with Grpc.StatusProto's <c>RpcException.GetRpcStatus()</c> or any language's equivalent).
/// </summary>
internal static class BadRequestStatus
{
    /// <summary>The exception for <paramref name="message"/> and its field violations (field paths use proto field names).</summary>
    public static RpcException Create(string message, IEnumerable<(string Field, string Description)> violations)
    {
        var badRequest = new BadRequest();
        foreach (var (field, description) in violations)
        {
            badRequest.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = field, Description = description });
        }

        var status = new Google.Rpc.Status { Code = (int)Code.InvalidArgument, Message = message, Details = { Any.Pack(badRequest) } };
        return status.ToRpcException();
    }

    /// <summary>One field violation; <paramref name="description"/> is also the message.</summary>
    public static RpcException Create(string field, string description) => Create(description, [(field, description)]);
}
