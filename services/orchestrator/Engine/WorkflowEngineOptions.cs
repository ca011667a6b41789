namespace AgentMesh.Services.Orchestrator;

/// <summary>Where the run workflows execute (configuration section <c>Workflow</c>).</summary>
public sealed class WorkflowEngineOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Workflow";

    /// <summary>Value of <see cref="Mode"/>: the embedded task hub (SQLite) in this process; the default.</summary>
    public const string Embedded = "embedded";

    /// <summary>Value of <see cref="Mode"/>: a Dapr sidecar (daprd), found through DAPR_GRPC_ENDPOINT or DAPR_GRPC_PORT.</summary>
    public const string Dapr = "dapr";

    /// <summary><c>embedded</c> (default) or <c>dapr</c>, case-insensitive.</summary>
    public string Mode { get; set; } = Embedded;

    /// <summary>The embedded hub's SQLite file. Default <c>taskhub.db</c> in the working folder.</summary>
    public string TaskHubPath { get; set; } = "taskhub.db";

    /// <summary>
    /// With the embedded hub: activities (plan creation, steps, run updates) the hub hands this process's
    /// workflow worker at once, as daprd's <c>maxConcurrentActivityInvocations</c> does. A step spends its time
    /// waiting on models and tools, not on the CPU, so the default is high. Default 100; at least 1. With
    /// <c>dapr</c> the sidecar's Configuration (<c>spec.workflow</c>) decides; the SDK's own limits are obsolete.
    /// </summary>
    public int MaxConcurrentActivities { get; set; } = 100;

    /// <summary>With the embedded hub: workflow turns handed to this process's worker at once (daprd's <c>maxConcurrentWorkflowInvocations</c>). Default 100; at least 1.</summary>
    public int MaxConcurrentWorkflows { get; set; } = 100;

    /// <summary>True for <see cref="Embedded"/>.</summary>
    /// <exception cref="InvalidOperationException"><see cref="Mode"/> is neither value (the message names the setting).</exception>
    public bool IsEmbedded => Mode.ToLowerInvariant() switch
    {
        Embedded => true,
        Dapr => false,
        _ => throw new InvalidOperationException($"Workflow:Mode must be '{Embedded}' or '{Dapr}', not '{Mode}'."),
    };
}
