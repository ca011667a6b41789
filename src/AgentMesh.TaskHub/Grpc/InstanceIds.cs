using System.Text.RegularExpressions;
using Grpc.Core;

namespace AgentMesh.TaskHub.Grpc;

/// <summary>Validation of workflow instance ids: 1–256 characters, none of them a control character.</summary>
internal static partial class InstanceIds
{
    /// <summary>Returns <paramref name="instanceId"/>, or throws INVALID_ARGUMENT saying what is wrong.</summary>
    public static string Require(string instanceId)
    {
        if (string.IsNullOrEmpty(instanceId))
            throw new RpcException(new Status(StatusCode.InvalidArgument, "instanceId is empty: pass the id of a workflow instance."));
        if (instanceId.Length > 256 || ControlCharacter().IsMatch(instanceId))
            throw new RpcException(new Status(StatusCode.InvalidArgument, "instanceId must be 1-256 characters without control characters."));
        return instanceId;
    }

    /// <summary>NOT_FOUND for <paramref name="instanceId"/>.</summary>
    public static RpcException NotFound(string instanceId) => new(new Status(StatusCode.NotFound, $"No workflow instance '{instanceId}' exists (never started, or purged)."));

    [GeneratedRegex(@"\p{Cc}")]
    private static partial Regex ControlCharacter();
}
