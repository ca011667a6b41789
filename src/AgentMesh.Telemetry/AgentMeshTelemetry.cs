using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AgentMesh.Telemetry;

/// <summary>
/// AgentMesh's one telemetry name, <see cref="Name"/> (<c>AgentMesh</c>): the <see cref="ActivitySource"/> of the
/// GenAI agent spans (<c>invoke_agent</c>, <c>execute_tool</c>, per the OpenTelemetry GenAI semantic conventions v1.41)
/// and the <see cref="Meter"/>. The model clients' Microsoft.Extensions.AI <c>OpenTelemetryChatClient</c> uses the same
/// name, so its <c>chat</c> spans and <c>gen_ai.client.*</c> metrics come from this source and meter too.
/// </summary>
public static class AgentMeshTelemetry
{
    /// <summary>The name of the ActivitySource and the Meter: <c>AgentMesh</c>.</summary>
    public const string Name = "AgentMesh";

    /// <summary>Source of AgentMesh's own spans.</summary>
    public static ActivitySource Source { get; } = new(Name);

    /// <summary>Meter of AgentMesh's own metrics.</summary>
    public static Meter Meter { get; } = new(Name);

    /// <summary>
    /// Starts the <c>invoke_agent {agent}</c> span (kind INTERNAL; GenAI "invoke agent internal span") of one attempt of a plan
    /// step: <c>gen_ai.operation.name</c> = <c>invoke_agent</c>, <c>gen_ai.agent.name</c>, <c>agentmesh.run.id</c>,
    /// <c>agentmesh.step.id</c>. Null when nothing listens.
    /// </summary>
    public static Activity? StartInvokeAgent(string agentName, string runId, string stepId)
    {
        var activity = Source.StartActivity($"{GenAiAttributes.Operations.InvokeAgent} {agentName}", ActivityKind.Internal);
        activity?.SetTag(GenAiAttributes.OperationName, GenAiAttributes.Operations.InvokeAgent)
            .SetTag(GenAiAttributes.AgentName, agentName)
            .SetTag(GenAiAttributes.RunId, runId)
            .SetTag(GenAiAttributes.StepId, stepId);
        return activity;
    }

    /// <summary>
    /// Starts the <c>execute_tool {tool}</c> span (kind INTERNAL; GenAI "execute tool span") of one tool call:
    /// <c>gen_ai.operation.name</c> = <c>execute_tool</c>, <c>gen_ai.tool.name</c>, <c>gen_ai.tool.call.id</c>,
    /// <c>gen_ai.tool.type</c> = <c>extension</c> (an MCP server's tool runs outside the agent), and the run and step ids.
    /// Null when nothing listens. End it with <see cref="Fail"/> when the tool failed.
    /// </summary>
    public static Activity? StartExecuteTool(string toolName, string toolCallId, string runId, string stepId)
    {
        var activity = Source.StartActivity($"{GenAiAttributes.Operations.ExecuteTool} {toolName}", ActivityKind.Internal);
        activity?.SetTag(GenAiAttributes.OperationName, GenAiAttributes.Operations.ExecuteTool)
            .SetTag(GenAiAttributes.ToolName, toolName)
            .SetTag(GenAiAttributes.ToolCallId, toolCallId)
            .SetTag(GenAiAttributes.ToolType, "extension")
            .SetTag(GenAiAttributes.RunId, runId)
            .SetTag(GenAiAttributes.StepId, stepId);
        return activity;
    }

    /// <summary>
    /// Starts the <c>agentmesh.run</c> span (kind INTERNAL) of one execution of a run workflow's activity
    /// (<paramref name="workflowActivity"/>, e.g. <c>RunStep</c>, in <c>agentmesh.workflow.activity</c>) with
    /// <c>agentmesh.run.id</c> and, for a step, <c>agentmesh.step.id</c>. Workflow code itself is replayed and makes no spans;
    /// these are the run's spans that the Orchestrator can make today. Null when nothing listens.
    /// </summary>
    public static Activity? StartRunActivity(string workflowActivity, string runId, string? stepId = null)
    {
        var activity = Source.StartActivity(RunSpanName, ActivityKind.Internal);
        activity?.SetTag(WorkflowActivityAttribute, workflowActivity).SetTag(GenAiAttributes.RunId, runId);
        if (stepId is not null)
        {
            activity?.SetTag(GenAiAttributes.StepId, stepId);
        }

        return activity;
    }

    /// <summary>Name of the spans of <see cref="StartRunActivity"/>: <c>agentmesh.run</c>.</summary>
    public const string RunSpanName = "agentmesh.run";

    /// <summary><c>agentmesh.workflow.activity</c>: the run workflow's activity an <c>agentmesh.run</c> span executes.</summary>
    public const string WorkflowActivityAttribute = "agentmesh.workflow.activity";

    /// <summary>Marks <paramref name="activity"/> failed: status Error and <c>error.type</c> = <paramref name="errorType"/> (low cardinality).</summary>
    public static void Fail(Activity? activity, string errorType, string? description = null)
    {
        activity?.SetStatus(ActivityStatusCode.Error, description).SetTag(GenAiAttributes.ErrorType, errorType);
    }
}
