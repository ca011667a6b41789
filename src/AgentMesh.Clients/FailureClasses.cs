namespace AgentMesh.Clients;

/// <summary>
/// How a failed step is handled, by class. The Agents service names the class of a step's failure in a response
/// trailer of RunStep; the Orchestrator records it on StepFailed and acts on it.
/// </summary>
public static class FailureClasses
{
    /// <summary>The RunStep trailer that carries the failure class.</summary>
    public const string Trailer = "agentmesh-failure-class";

    /// <summary>
    /// The step's own logic went wrong in a way running it again would repeat (a loop was detected): the step is
    /// not retried and the run fails.
    /// </summary>
    public const string Logic = "logic";

    /// <summary>
    /// The model got a tool call wrong (unknown tool, arguments not JSON or not matching the input schema) again after
    /// one correction turn: the step is not retried and the run fails.
    /// </summary>
    public const string Model = "model";
}
