namespace AgentMesh.Chaos.Driver;

/// <summary>The four kinds of chaos workflow.</summary>
public enum ChaosKind
{
    /// <summary><see cref="Workflows.ChaosChainWorkflow"/>.</summary>
    Chain,

    /// <summary><see cref="Workflows.ChaosFanOutWorkflow"/>.</summary>
    FanOut,

    /// <summary><see cref="Workflows.ChaosTimerWorkflow"/>.</summary>
    Timer,

    /// <summary><see cref="Workflows.ChaosEventWorkflow"/>.</summary>
    Event,

    /// <summary><see cref="Workflows.ChaosParentWorkflow"/>.</summary>
    Parent,

    /// <summary>The <see cref="Workflows.ChaosChainWorkflow"/> child of a <see cref="Parent"/>, started by its parent.</summary>
    Child,
}

/// <summary>
/// An external event the driver raises: its name, payload, and when: <see cref="Offset"/> after the
/// host of <see cref="Generation"/> is ready (later when that host is down by then).
/// </summary>
public sealed record PlannedEvent(string Name, int Payload, int Generation, TimeSpan Offset);

/// <summary>
/// One workflow instance of the plan: what to start (workflow name, JSON input), when (as for
/// <see cref="PlannedEvent"/>), the events to raise to it in order, and the output it must end with.
/// An instance <see cref="StartedByParent"/> is not started by the driver (its start fields are unused).
/// </summary>
public sealed record PlannedInstance(
    string Id, ChaosKind Kind, string WorkflowName, string InputJson, string ExpectedOutput,
    int StartGeneration, TimeSpan StartOffset, IReadOnlyList<PlannedEvent> Events, bool StartedByParent = false);
