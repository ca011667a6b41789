namespace AgentMesh.Workflow;

/// <summary>Configures the workflow runtime: registrations, task hub, worker tuning.</summary>
public sealed class WorkflowRuntimeOptions
{
    internal Dictionary<string, Type> Workflows { get; } = new(StringComparer.Ordinal);
    internal Dictionary<string, Type> Activities { get; } = new(StringComparer.Ordinal);

    /// <summary>Path of the SQLite task hub file (created if missing). Required; set with <see cref="UseSqliteTaskHub"/>.</summary>
    public string? SqliteDatabasePath { get; private set; }

    /// <summary>Activities run at once by this process. Default: 2 × processor count. Must be ≥ 1.</summary>
    public int MaxConcurrentActivities { get; set; } = 2 * Environment.ProcessorCount;

    /// <summary>
    /// How long an idle worker waits before polling the task hub again (work added by this process
    /// wakes it at once; durable timers fire at most this late). Default: 200 ms.
    /// </summary>
    public TimeSpan PollingInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// How long a workflow work item stays locked by its worker before it may be taken again.
    /// Default: 5 minutes. Activity locks do not expire (an activity may run for long); a new engine
    /// on the same file releases all locks at start-up.
    /// </summary>
    public TimeSpan WorkItemLockTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Clock of the engine (history timestamps, timers). Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Registers workflow <typeparamref name="TWorkflow"/> under <paramref name="name"/> (default: its class name).</summary>
    /// <exception cref="InvalidOperationException">The name is already registered.</exception>
    public WorkflowRuntimeOptions RegisterWorkflow<TWorkflow>(string? name = null) where TWorkflow : class
    {
        if (!typeof(TWorkflow).GetInterfaces().Contains(typeof(IWorkflowBody)))
            throw new ArgumentException($"{typeof(TWorkflow)} does not derive from Workflow<TInput, TOutput>.");
        Add(Workflows, name ?? typeof(TWorkflow).Name, typeof(TWorkflow), "workflow");
        return this;
    }

    /// <summary>Registers activity <typeparamref name="TActivity"/> under <paramref name="name"/> (default: its class name).</summary>
    /// <exception cref="InvalidOperationException">The name is already registered.</exception>
    public WorkflowRuntimeOptions RegisterActivity<TActivity>(string? name = null) where TActivity : class
    {
        if (!typeof(TActivity).GetInterfaces().Contains(typeof(IActivityBody)))
            throw new ArgumentException($"{typeof(TActivity)} does not derive from WorkflowActivity<TInput, TOutput>.");
        Add(Activities, name ?? typeof(TActivity).Name, typeof(TActivity), "activity");
        return this;
    }

    /// <summary>Uses the embedded SQLite task hub at <paramref name="databasePath"/> (WAL, synchronous=FULL).</summary>
    public WorkflowRuntimeOptions UseSqliteTaskHub(string databasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        SqliteDatabasePath = databasePath;
        return this;
    }

    internal void Validate()
    {
        if (SqliteDatabasePath is null)
            throw new InvalidOperationException("WorkflowRuntimeOptions: no task hub configured; call UseSqliteTaskHub(databasePath).");
        if (MaxConcurrentActivities < 1)
            throw new InvalidOperationException("WorkflowRuntimeOptions.MaxConcurrentActivities must be at least 1.");
        if (PollingInterval <= TimeSpan.Zero)
            throw new InvalidOperationException("WorkflowRuntimeOptions.PollingInterval must be positive.");
        if (WorkItemLockTimeout <= TimeSpan.Zero)
            throw new InvalidOperationException("WorkflowRuntimeOptions.WorkItemLockTimeout must be positive.");
    }

    private static void Add(Dictionary<string, Type> map, string name, Type type, string kind)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!map.TryAdd(name, type))
            throw new InvalidOperationException($"A {kind} named '{name}' is already registered ({map[name]}).");
    }
}
