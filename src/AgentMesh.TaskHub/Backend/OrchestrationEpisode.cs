using AgentMesh.TaskHub.Protocol;

namespace AgentMesh.TaskHub.Backend;

/// <summary>Everything one episode of an instance produced, committed in one transaction.</summary>
internal sealed class OrchestrationEpisode
{
    /// <summary>Events appended to history, in order.</summary>
    public List<HistoryEvent> NewHistory { get; } = [];

    /// <summary>TaskScheduled events that become activity work items.</summary>
    public List<HistoryEvent> NewActivities { get; } = [];

    /// <summary>TimerFired events delivered to this instance at their fireAt.</summary>
    public List<HistoryEvent> NewTimers { get; } = [];

    /// <summary>ExecutionStarted events of child instances to create.</summary>
    public List<HistoryEvent> NewChildInstances { get; } = [];

    /// <summary>Events for other instances (e.g. a child's result to its parent), with the target execution.</summary>
    public List<(string InstanceId, string? ExecutionId, HistoryEvent Event)> OutgoingEvents { get; } = [];

    /// <summary>Instances this one terminates (TerminateWorkflow actions).</summary>
    public List<TerminateWorkflowAction> Terminations { get; } = [];

    /// <summary>Status after the episode.</summary>
    public OrchestrationStatus Status { get; set; }

    /// <summary>Workflow name and input, set when the episode started the execution.</summary>
    public ExecutionStartedEvent? Started { get; set; }

    /// <summary>Output (JSON) of a finished instance.</summary>
    public string? Output { get; set; }

    /// <summary>Custom status (JSON) after the episode.</summary>
    public string? CustomStatus { get; set; }

    /// <summary>Failure of a failed instance.</summary>
    public TaskFailureDetails? FailureDetails { get; set; }

    /// <summary>
    /// When set, the instance continues as new: its history is replaced by nothing, and these
    /// events (ExecutionStarted of the new execution, then carried-over events) enter its inbox.
    /// </summary>
    public List<HistoryEvent>? ContinueAsNewEvents { get; set; }

    /// <summary>Execution id of the new execution when continuing as new.</summary>
    public string? NewExecutionId { get; set; }
}
