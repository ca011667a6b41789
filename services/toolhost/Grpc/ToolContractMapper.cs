using AgentMesh.Contracts.V1;
using AgentMesh.Services.ToolHost.Catalog;
using AgentMesh.Services.ToolHost.Policy;

namespace AgentMesh.Services.ToolHost.Grpc;

/// <summary>Maps catalog types to the agentmesh.v1 ToolHost messages.</summary>
internal static class ToolContractMapper
{
    /// <summary>A listed tool as <see cref="Tool"/>; unset annotation members stay unset; title is the display title.</summary>
    public static Tool ToContract(ToolInfo info)
    {
        var annotations = new ToolAnnotations();
        if (info.Title is not null)
        {
            annotations.Title = info.Title;
        }

        if (info.Annotations.ReadOnlyHint is bool readOnly)
        {
            annotations.ReadOnlyHint = readOnly;
        }

        if (info.Annotations.DestructiveHint is bool destructive)
        {
            annotations.DestructiveHint = destructive;
        }

        if (info.Annotations.IdempotentHint is bool idempotent)
        {
            annotations.IdempotentHint = idempotent;
        }

        if (info.Annotations.OpenWorldHint is bool openWorld)
        {
            annotations.OpenWorldHint = openWorld;
        }

        return new Tool
        {
            Server = info.Server,
            Name = info.Name,
            Description = info.Description,
            InputSchemaJson = info.InputSchemaJson,
            Annotations = annotations,
            RequiresApproval = info.Approval.RequiresApproval,
            ApprovalReason = info.Approval.RequiresApproval ? info.Approval.Reason ?? "" : "",
            ApprovalDependsOnArguments = info.Approval.DependsOnArguments,
        };
    }

    /// <summary>One call's verdict; the reason is empty when the call is not gated.</summary>
    public static CheckToolCallResponse ToContract(ToolApprovalVerdict verdict) => new()
    {
        RequiresApproval = verdict.RequiresApproval,
        Reason = verdict.RequiresApproval ? verdict.Reason ?? "" : "",
    };

    public static CallToolResponse ToContract(ToolCallOutcome outcome) => new()
    {
        Result = new ToolResult { IsError = outcome.IsError, Text = outcome.Text, ResultJson = outcome.ResultJson },
    };

    public static CallToolResponse ToContract(ToolProgressInfo progress) => new()
    {
        Progress = new ToolProgress { Progress = progress.Progress, Total = progress.Total ?? 0, Message = progress.Message ?? "" },
    };
}
