using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentMesh.Services.Agents.Loop;

/// <summary>
/// Finds a model that repeats itself: its last <c>n</c> turns in a row gave the same answer, that is the same text
/// and the same tool calls (name and arguments; arguments compared as JSON, key order ignored).
/// </summary>
public static class LoopDetector
{
    /// <summary>What repeated, for the failure message (e.g. "called fs__read with the same arguments"), or null when the last <paramref name="n"/> turns differ.</summary>
    public static string? Repeats(IReadOnlyList<TranscriptEntry> transcript, int n)
    {
        var turns = transcript.Where(e => e.Kind == "assistant").TakeLast(n).ToList();
        if (turns.Count < n)
            return null;
        var signature = Signature(turns[0]);
        if (turns.Skip(1).Any(t => Signature(t) != signature))
            return null;
        return turns[^1].ToolCalls is { Count: > 0 } calls
            ? $"called {string.Join(", ", calls.Select(c => c.Name))} with the same arguments"
            : "gave the same answer";
    }

    private static string Signature(TranscriptEntry turn)
        => string.Join('\n', (turn.ToolCalls ?? []).Select(c => c.Name + " " + Canonical(c.ArgumentsJson)).Prepend(turn.Text ?? ""));

    private static string Canonical(string json)
    {
        try
        {
            return Sorted(JsonNode.Parse(json))?.ToJsonString() ?? "null";
        }
        catch (JsonException)
        {
            return json;
        }
    }

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Sorted).ToArray()),
        _ => node?.DeepClone(),
    };
}
