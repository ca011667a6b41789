using AgentMesh.Contracts.V1;

namespace AgentMesh.Clients;

/// <summary>Which run statuses end a run.</summary>
public static class RunStatuses
{
    public static bool IsTerminal(RunStatus status) => status is RunStatus.Completed or RunStatus.Failed or RunStatus.Cancelled;

    /// <summary>True for a status-changed event into a terminal status.</summary>
    public static bool IsTerminal(RunEvent runEvent) => runEvent.StatusChanged is { } changed && IsTerminal(changed.Status);
}
