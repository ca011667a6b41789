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
    /// Activities (plan creation, steps, run updates) this process runs at once: the Dapr.Workflow SDK's
    /// <c>MaxConcurrentActivities</c>. A step spends its time waiting on models and tools, not on CPU, so the
    /// default is high. Default 100 (the SDK's); at least 1.
    /// </summary>
    public int MaxConcurrentActivities { get; set; } = 100;

    /// <summary>Run workflows whose turns this process runs at once (the SDK's <c>MaxConcurrentWorkflows</c>). Default 100; at least 1.</summary>
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
