using Microsoft.Extensions.Logging;

namespace AgentMesh.Services.Agents;

/// <summary>Log messages of the Agents service (event ids 2000-2099, never reused).</summary>
internal static partial class AgentsLog
{
    [LoggerMessage(2000, LogLevel.Debug, "Run {RunId} step {StepId}: model turn {Turn} asked for {ToolCallCount} tool calls")]
    public static partial void ModelTurn(ILogger logger, string runId, string stepId, int turn, int toolCallCount);

    [LoggerMessage(2001, LogLevel.Information, "Run {RunId} step {StepId} was cancelled")]
    public static partial void StepCancelled(ILogger logger, string runId, string stepId);

    [LoggerMessage(2002, LogLevel.Warning, "Run {RunId} step {StepId}: the model call of turn {Turn} failed ({FailureClass})")]
    public static partial void ModelCallFailed(ILogger logger, string runId, string stepId, int turn, string failureClass, Exception error);
}
