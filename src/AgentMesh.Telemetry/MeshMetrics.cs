using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AgentMesh.Telemetry;

/// <summary>
/// AgentMesh's own metrics on the <see cref="AgentMeshTelemetry.Meter"/>, beside the model clients' GenAI ones:
/// <list type="bullet">
/// <item><c>agentmesh.runs</c> (counter, {run}): runs that ended, by <c>agentmesh.run.status</c> (completed, failed, cancelled) and <c>agentmesh.failure_class</c>;</item>
/// <item><c>agentmesh.tool.calls</c> (counter, {call}): tool calls that ran, by <c>gen_ai.tool.name</c> and, for a failed one, <c>error.type</c>;</item>
/// <item><c>agentmesh.approvals.pending</c> (up-down counter, {approval}): approvals asked for and not yet decided;</item>
/// <item><c>agentmesh.cost</c> (counter, USD): the cost of model calls by the price table, by <c>gen_ai.response.model</c>.</item>
/// </list>
/// </summary>
public static class MeshMetrics
{
    private static readonly Counter<long> Runs = AgentMeshTelemetry.Meter.CreateCounter<long>("agentmesh.runs", "{run}", "Runs that ended, by final status.");
    private static readonly Counter<long> ToolCalls = AgentMeshTelemetry.Meter.CreateCounter<long>("agentmesh.tool.calls", "{call}", "Tool calls that ran, by tool and error.");
    private static readonly UpDownCounter<long> PendingApprovals = AgentMeshTelemetry.Meter.CreateUpDownCounter<long>("agentmesh.approvals.pending", "{approval}", "Approvals asked for and not yet decided.");
    private static readonly Counter<double> Cost = AgentMeshTelemetry.Meter.CreateCounter<double>("agentmesh.cost", "USD", "Cost of model calls by the configured price table.");

    /// <summary>A run ended with <paramref name="status"/> (lowercase, e.g. <c>failed</c>) and <paramref name="failureClass"/> ("" when none).</summary>
    public static void RunEnded(string status, string failureClass)
        => Runs.Add(1, new TagList { { "agentmesh.run.status", status }, { "agentmesh.failure_class", failureClass } });

    /// <summary>A tool call ran; <paramref name="errorType"/> is null when it succeeded.</summary>
    public static void ToolCallRan(string toolName, string? errorType)
    {
        var tags = new TagList { { GenAiAttributes.ToolName, toolName } };
        if (errorType is not null)
        {
            tags.Add(GenAiAttributes.ErrorType, errorType);
        }

        ToolCalls.Add(1, tags);
    }

    /// <summary><paramref name="delta"/> approvals more (or fewer, when negative) wait for a decision.</summary>
    public static void ApprovalsPending(int delta)
    {
        if (delta != 0)
        {
            PendingApprovals.Add(delta);
        }
    }

    /// <summary>A model call on <paramref name="model"/> cost <paramref name="usd"/> US dollars (nothing is recorded for 0).</summary>
    public static void ModelCost(double usd, string model)
    {
        if (usd > 0)
        {
            Cost.Add(usd, new TagList { { "gen_ai.response.model", model } });
        }
    }
}
