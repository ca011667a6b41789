using System.Text.Json;

namespace AgentMesh.Services.Agents.Loop;

/// <summary>
/// An agent's durable progress on one step (State key <c>&lt;run id&gt;/&lt;step id&gt;</c>), saved after
/// every model turn and every result of a tool that is not read-only; a read-only tool's result (MCP
/// <c>readOnlyHint</c>) is saved with the next checkpoint (see <see cref="AgentLoop"/> for when a save is
/// waited for). A retried or resumed step continues where it stopped: it never re-runs a tool call whose
/// result is recorded, and may re-run only read-only calls and the model turns that asked for them.
/// </summary>
public sealed class StepCheckpoint
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The conversation so far, system prompt first.</summary>
    public List<TranscriptEntry> Transcript { get; init; } = [];

    /// <summary>Model calls made so far.</summary>
    public int Turns { get; set; }

    public long InputTokens { get; set; }

    public long OutputTokens { get; set; }

    /// <summary>The part of <see cref="InputTokens"/> served from the provider's prompt cache.</summary>
    public long CachedInputTokens { get; set; }

    /// <summary>Cost of the model calls so far in US dollars (the configured price table).</summary>
    public double CostUsd { get; set; }

    /// <summary>Tool calls that ran so far (see <see cref="StepBudget.ToolCalls"/>).</summary>
    public int ToolCalls { get; set; }

    /// <summary>What the step used so far, as the Usage message.</summary>
    public AgentMesh.Contracts.V1.Usage ToUsage() => new()
    {
        InputTokens = InputTokens, OutputTokens = OutputTokens, CachedInputTokens = CachedInputTokens, CostUsd = CostUsd, ToolCalls = ToolCalls,
    };

    /// <summary>Set once the model gave its final answer (for a role with an output schema: the validated JSON).</summary>
    public string? FinalOutput { get; set; }

    /// <summary>Whether <see cref="FinalOutput"/> is a structured output: JSON that fits the role's output schema.</summary>
    public bool Structured { get; set; }

    /// <summary>Whether the model was already told once that its final answer did not fit the role's output schema.</summary>
    public bool OutputCorrected { get; set; }

    /// <summary>The step's version: 1, then one more for each revision a reviewer asked for.</summary>
    public int Round { get; set; } = 1;

    /// <summary>Model turns taken before the current round began (the turn limit counts each round's own).</summary>
    public int TurnsBeforeRound { get; set; }

    /// <summary>
    /// Starts revision <paramref name="round"/> of a finished step: the reviewer's <paramref name="feedback"/> goes into the
    /// conversation and the step answers again. Does nothing when the checkpoint is already at that round.
    /// </summary>
    public void Revise(int round, string feedback)
    {
        if (round <= Round || FinalOutput is null)
        {
            return;
        }

        (Round, TurnsBeforeRound, FinalOutput, Structured, OutputCorrected) = (round, Turns, null, false, false);
        Transcript.Add(new TranscriptEntry("user", $"A reviewer sent your answer back with this feedback:\n{feedback}\n\nRevise your answer accordingly."));
    }

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    public static StepCheckpoint FromBytes(ReadOnlySpan<byte> data)
        => JsonSerializer.Deserialize<StepCheckpoint>(data, Json) ?? new StepCheckpoint();
}

/// <summary>One message of a step's conversation.</summary>
/// <param name="Kind">"system", "user", "assistant" or "tool".</param>
/// <param name="Text">Message text (for "tool": the tool result as the model sees it).</param>
/// <param name="ToolCalls">For "assistant": the tool calls the model asked for.</param>
/// <param name="ToolCallId">For "tool": the call this result answers.</param>
/// <param name="IsError">For "tool": the tool failed or the call was denied.</param>
/// <param name="ModelError">For "tool": the call never ran because the model got it wrong (an unknown tool, arguments that are not JSON or do not match the tool's input schema).</param>
public sealed record TranscriptEntry(
    string Kind,
    string? Text,
    IReadOnlyList<ToolCallRecord>? ToolCalls = null,
    string? ToolCallId = null,
    bool IsError = false,
    bool ModelError = false);

/// <summary>A tool call the model asked for.</summary>
/// <param name="Id">The model's call id.</param>
/// <param name="Name">The function name the model used (<c>server__tool</c>).</param>
/// <param name="Server">The MCP server of the tool ("" when the name matched no tool).</param>
/// <param name="Tool">The tool's name on its server.</param>
/// <param name="ArgumentsJson">Arguments as a JSON object (<c>{}</c> when they could not be read).</param>
/// <param name="ArgumentsError">Why the model's arguments could not be read as JSON, or null.</param>
public sealed record ToolCallRecord(string Id, string Name, string Server, string Tool, string ArgumentsJson, string? ArgumentsError = null);
