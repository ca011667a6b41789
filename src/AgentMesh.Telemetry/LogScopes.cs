namespace AgentMesh.Telemetry;

/// <summary>
/// Logging scopes with the run and step ids under their telemetry names (<c>agentmesh.run.id</c>, <c>agentmesh.step.id</c>),
/// so structured log output (e.g. the JSON console formatter with scopes included) carries them on every line.
/// </summary>
public static class LogScopes
{
    /// <summary>The scope of work on step <paramref name="stepId"/> of run <paramref name="runId"/> (no step id: planning).</summary>
    public static IReadOnlyList<KeyValuePair<string, object?>> Step(string runId, string? stepId) => stepId is null
        ? [new(GenAiAttributes.RunId, runId)]
        : [new(GenAiAttributes.RunId, runId), new(GenAiAttributes.StepId, stepId)];
}
