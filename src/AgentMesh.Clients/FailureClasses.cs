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
    /// The step's own logic went wrong in a way running it again would repeat (a loop was detected, or the model
    /// turn limit was reached): the step is not retried and the run fails.
    /// </summary>
    public const string Logic = "logic";

    /// <summary>
    /// The model got a tool call wrong (unknown tool, arguments not JSON or not matching the input schema) again after
    /// one correction turn: the step is not retried and the run fails.
    /// </summary>
    public const string Model = "model";

    /// <summary>The model service failed in a way that may pass (timeouts, 429, 5xx, after the SDK's own retries): the step is retried.</summary>
    public const string Transient = "transient";

    /// <summary>The model service refused the request for good (401/403, an unknown model, a request it rejects): the step is not retried and the run fails.</summary>
    public const string Fatal = "fatal";
}
