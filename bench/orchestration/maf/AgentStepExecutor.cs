using System.Text.Json;
using Microsoft.Agents.AI;
using Microsoft.Agents.AI.Workflows;
using Microsoft.Extensions.AI;

namespace AgentMesh.Bench.Maf;

/// <summary>What one step yields as a workflow output: its agent's final text and how many of its tool
/// calls returned the notes' text.</summary>
internal sealed record StepResult(string Step, string Output, int ToolResultsWithNotes);

/// <summary>
/// One step of the plan as a workflow executor: it waits for one message from each step it depends on
/// (the fan-in barrier delivers them in the same super-step), runs its agent once (the agent's own
/// tool-calling loop makes the four model turns), yields a <see cref="StepResult"/> and sends the agent's
/// text to the next steps. A new instance is made per run by the workflow's factory binding.
/// </summary>
[SendsMessage(typeof(string))]
[YieldsOutput(typeof(StepResult))]
internal sealed class AgentStepExecutor(string step, int inputCount, AIAgent agent, string notesText)
    : Executor<string>(step)
{
    private readonly List<string> _inputs = [];

    public override async ValueTask HandleAsync(string message, IWorkflowContext context, CancellationToken cancellationToken = default)
    {
        _inputs.Add(message);
        if (_inputs.Count < inputCount)
            return;
        string prompt = $"Read the notes and summarise them. (step {Id})\n\nInputs:\n{string.Join("\n---\n", _inputs)}";
        AgentResponse response = await agent.RunAsync(prompt, cancellationToken: cancellationToken);
        int withNotes = response.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>()
            .Count(r => ToolText(r.Result) == notesText);
        await context.YieldOutputAsync(new StepResult(Id, response.Text, withNotes), cancellationToken);
        await context.SendMessageAsync(response.Text, cancellationToken);
    }

    /// <summary>The text of an MCP tool result: the client tool returns the CallToolResult as JSON.</summary>
    private static string? ToolText(object? result) => result switch
    {
        JsonElement { ValueKind: JsonValueKind.Object } json when json.TryGetProperty("content", out JsonElement content) =>
            string.Concat(content.EnumerateArray()
                .Where(c => c.TryGetProperty("type", out JsonElement t) && t.GetString() == "text")
                .Select(c => c.GetProperty("text").GetString())),
        _ => null,
    };
}
