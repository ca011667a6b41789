namespace AgentMesh.Services.Agents.Loop;

/// <summary>Tool calls the model got wrong, read from a step's transcript (<see cref="TranscriptEntry.ModelError"/>).</summary>
public static class ModelMistakes
{
    /// <summary>
    /// The error the model was last told about, when both the latest turn's tool calls and the turn before's included
    /// a call the model got wrong (so the correction turn failed too); otherwise null.
    /// </summary>
    public static string? AfterCorrection(IReadOnlyList<TranscriptEntry> transcript)
    {
        var turns = new List<List<TranscriptEntry>>();
        foreach (var entry in transcript)
        {
            if (entry.Kind == "assistant")
                turns.Add([]);
            else if (entry.Kind == "tool" && turns.Count > 0)
                turns[^1].Add(entry);
        }
        if (turns.Count < 2 || !turns[^2].Any(e => e.ModelError))
            return null;
        return turns[^1].LastOrDefault(e => e.ModelError)?.Text;
    }
}
