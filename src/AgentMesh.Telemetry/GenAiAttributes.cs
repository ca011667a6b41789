namespace AgentMesh.Telemetry;

/// <summary>
/// The span and metric attribute names AgentMesh sets: those of the OpenTelemetry GenAI semantic conventions
/// (v1.41, <c>gen_ai.*</c>, and the general <c>error.type</c>) exactly as spelled there, and AgentMesh's own
/// <c>agentmesh.*</c> ones.
/// </summary>
public static class GenAiAttributes
{
    /// <summary><c>gen_ai.operation.name</c>: one of <see cref="Operations"/>.</summary>
    public const string OperationName = "gen_ai.operation.name";

    /// <summary><c>gen_ai.provider.name</c>, e.g. <c>openai</c>.</summary>
    public const string ProviderName = "gen_ai.provider.name";

    /// <summary><c>gen_ai.request.model</c>.</summary>
    public const string RequestModel = "gen_ai.request.model";

    /// <summary><c>gen_ai.response.model</c>.</summary>
    public const string ResponseModel = "gen_ai.response.model";

    /// <summary><c>gen_ai.usage.input_tokens</c>.</summary>
    public const string UsageInputTokens = "gen_ai.usage.input_tokens";

    /// <summary><c>gen_ai.usage.output_tokens</c>.</summary>
    public const string UsageOutputTokens = "gen_ai.usage.output_tokens";

    /// <summary><c>gen_ai.agent.name</c>: the agent role, e.g. <c>researcher</c>.</summary>
    public const string AgentName = "gen_ai.agent.name";

    /// <summary><c>gen_ai.tool.name</c>: the MCP tool's name.</summary>
    public const string ToolName = "gen_ai.tool.name";

    /// <summary><c>gen_ai.tool.call.id</c>: the model's id of the tool call.</summary>
    public const string ToolCallId = "gen_ai.tool.call.id";

    /// <summary><c>gen_ai.tool.type</c>: <c>function</c>, <c>extension</c> or <c>datastore</c>.</summary>
    public const string ToolType = "gen_ai.tool.type";

    /// <summary><c>error.type</c>: the class of error an operation ended with.</summary>
    public const string ErrorType = "error.type";

    /// <summary><c>agentmesh.run.id</c>: the run (one workflow instance).</summary>
    public const string RunId = "agentmesh.run.id";

    /// <summary><c>agentmesh.step.id</c>: the plan step.</summary>
    public const string StepId = "agentmesh.step.id";

    /// <summary>Values of <c>gen_ai.operation.name</c>.</summary>
    public static class Operations
    {
        /// <summary><c>chat</c>: a model call (spans from Microsoft.Extensions.AI's OpenTelemetryChatClient).</summary>
        public const string Chat = "chat";

        /// <summary><c>invoke_agent</c>: one attempt of a plan step by its agent.</summary>
        public const string InvokeAgent = "invoke_agent";

        /// <summary><c>execute_tool</c>: one tool call.</summary>
        public const string ExecuteTool = "execute_tool";
    }
}
