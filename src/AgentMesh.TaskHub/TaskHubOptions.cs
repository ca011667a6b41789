namespace AgentMesh.TaskHub;

/// <summary>Settings of the embedded task hub (configuration section <c>TaskHub</c>).</summary>
public sealed class TaskHubOptions
{
    /// <summary>The SQLite file holding every instance, its history, inbox, timers and activities. Required.</summary>
    public string DatabasePath { get; set; } = "";

    /// <summary>Workflow turns one worker stream holds at once (the Dapr .NET SDK runs up to 100). Default 100.</summary>
    public int MaxWorkflowsPerWorker { get; set; } = 100;

    /// <summary>Activities one worker stream holds at once (the Dapr .NET SDK runs up to 100). Default 100.</summary>
    public int MaxActivitiesPerWorker { get; set; } = 100;

    /// <summary>How long a workflow turn stays locked to a worker that neither completes it nor drops its stream. Default 5 minutes.</summary>
    public TimeSpan TurnLockTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Instances whose history the hub keeps in memory between turns, so the next turn need not read and
    /// parse it again; the oldest entry makes room for a new one. Default 4096; 0 keeps none.
    /// </summary>
    public int CachedHistories { get; set; } = 4096;

    /// <summary>The hub's clock (history timestamps, timers). Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
