using AgentMesh.TaskHub.Protocol;

namespace AgentMesh.TaskHub.Backend;

/// <summary>What an <see cref="OrchestrationStatus"/> means for the hub.</summary>
internal static class OrchestrationStatuses
{
    /// <summary>Completed, failed, canceled or terminated: the instance takes no more events.</summary>
    public static bool IsTerminal(this OrchestrationStatus status) => status is OrchestrationStatus.Completed
        or OrchestrationStatus.Failed or OrchestrationStatus.Canceled or OrchestrationStatus.Terminated;

    /// <summary>The status as Dapr names it to users, e.g. <c>RUNNING</c>.</summary>
    public static string Describe(this OrchestrationStatus status) => status switch
    {
        OrchestrationStatus.ContinuedAsNew => "CONTINUED_AS_NEW",
        _ => status.ToString().ToUpperInvariant(),
    };
}
