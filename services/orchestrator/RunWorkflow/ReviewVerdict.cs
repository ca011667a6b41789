using System.Text.Json;

namespace AgentMesh.Services.Orchestrator.RunWorkflow;

/// <summary>A reviewer's answer on a step's output: approve, or revise with feedback (the review step's structured output).</summary>
public sealed record ReviewVerdict(bool Approved, string Feedback)
{
    /// <summary>The JSON Schema a review's answer must fit: <c>{"verdict": "approve" | "revise", "feedback": "…"}</c>.</summary>
    public const string Schema = """{"type":"object","properties":{"verdict":{"enum":["approve","revise"]},"feedback":{"type":"string"}},"required":["verdict","feedback"]}""";

    /// <summary>Reads an answer that fits <see cref="Schema"/> (the Agents service checked it).</summary>
    public static ReviewVerdict Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return new ReviewVerdict(root.GetProperty("verdict").GetString() == "approve", root.GetProperty("feedback").GetString() ?? "");
    }
}
