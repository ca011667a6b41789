using AgentMesh.Services.Agents.Roles;

namespace AgentMesh.Services.Agents.Loop;

/// <summary>A step's final answer (a model turn without tool calls), held to its output schema when it has one (the step's, else its role's).</summary>
public static class FinalAnswer
{
    /// <summary>
    /// Takes <paramref name="text"/> as the step's final answer. With an output <paramref name="schema"/> the answer must fit it:
    /// the first time it does not, the model is told why in a correction turn (a user message) and the step goes on.
    /// Returns what was wrong when the answer missed the schema again after that correction (the step fails), else null.
    /// </summary>
    public static string? Take(StepCheckpoint checkpoint, OutputSchema? schema, string text)
    {
        if (schema is null)
        {
            checkpoint.FinalOutput = text;
            return null;
        }

        var (json, problem) = schema.Check(text);
        if (json is not null)
        {
            (checkpoint.FinalOutput, checkpoint.Structured) = (json, true);
            return null;
        }

        if (checkpoint.OutputCorrected)
        {
            return problem;
        }

        checkpoint.OutputCorrected = true;
        checkpoint.Transcript.Add(new TranscriptEntry("user",
            $"Your final answer must be one JSON value that fits this JSON Schema, with nothing around it: {schema.Document.GetRawText()}. What was wrong: {problem}. Answer again."));
        return null;
    }
}
