using AgentMesh.TaskHub.Protocol;

namespace AgentMesh.TaskHub.Backend;

/// <summary>
/// Storage of a task hub: instances, their history, their inbox of new events, and activity work
/// items. Workers take work items (locked to them), and complete or abandon them; a completion
/// commits all its effects atomically. Every operation's task completes only once what it wrote is
/// durable. One engine per store at a time.
/// </summary>
internal interface ITaskHubBackend : IAsyncDisposable
{
    /// <summary>Raised (from any thread) after something was added that a worker may pick up.</summary>
    event Action? WorkAvailable;

    /// <summary>
    /// Raised after a commit with the instances whose state (status, output, existence) it changed; the
    /// collection is only valid during the call. May name an instance that did not change after all.
    /// </summary>
    event Action<IReadOnlyCollection<string>>? InstancesChanged;

    /// <summary>Creates the schema if missing and releases the locks a previous engine left behind.</summary>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>Creates an instance whose first inbox event is <paramref name="executionStarted"/>, delivered at <paramref name="startAt"/>.</summary>
    /// <exception cref="InvalidOperationException">An instance with this id exists and is not terminal.</exception>
    Task CreateInstanceAsync(HistoryEvent executionStarted, DateTimeOffset startAt, CancellationToken cancellationToken = default);

    /// <summary>Adds an event to a live instance's inbox; false when the instance is missing or terminal.</summary>
    Task<bool> AddEventAsync(string instanceId, HistoryEvent historyEvent, CancellationToken cancellationToken = default);

    /// <summary>Instance metadata, or null when missing; payloads only when <paramref name="includePayloads"/>.</summary>
    Task<WorkflowState?> GetInstanceAsync(string instanceId, bool includePayloads, CancellationToken cancellationToken = default);

    /// <summary>The current execution's history in order.</summary>
    Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken = default);

    /// <summary>Deletes a finished instance (and, when <paramref name="recursive"/>, its child instances) with all their data; returns how many were deleted (0 when missing).</summary>
    /// <exception cref="InvalidOperationException">An instance to delete has not finished.</exception>
    Task<int> PurgeInstanceAsync(string instanceId, bool recursive, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes every finished instance created in [<paramref name="createdFrom"/>, <paramref name="createdTo"/>)
    /// (either bound may be open) whose status is one of <paramref name="statuses"/> (all finished statuses
    /// when empty), and, when <paramref name="recursive"/>, their child instances; an instance with a child
    /// that has not finished is kept. Returns how many instances were deleted.
    /// </summary>
    Task<int> PurgeInstancesAsync(DateTimeOffset? createdFrom, DateTimeOffset? createdTo, IReadOnlyCollection<OrchestrationStatus> statuses, bool recursive, CancellationToken cancellationToken = default);

    /// <summary>
    /// Terminates an instance (and, when <paramref name="recursive"/>, its live child instances): one that never
    /// started ends at once; a started one gets an ExecutionTerminated event. False when the instance is missing.
    /// </summary>
    Task<bool> TerminateAsync(string instanceId, string? output, bool recursive, CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts <paramref name="newInstanceId"/> as a copy of a finished instance's history up to the
    /// activity scheduled as <paramref name="eventId"/>, which runs again (with <paramref name="input"/> when
    /// <paramref name="overwriteInput"/>); everything after it is replayed anew. False when the source is missing.
    /// </summary>
    /// <exception cref="InstanceExistsException"><paramref name="newInstanceId"/> is live.</exception>
    /// <exception cref="InvalidOperationException">The source has not finished, or <paramref name="eventId"/> is not an activity it scheduled.</exception>
    Task<bool> RerunFromEventAsync(string sourceInstanceId, int eventId, string newInstanceId, string? input, bool overwriteInput, CancellationToken cancellationToken = default);

    /// <summary>Instance ids in ordinal order after <paramref name="after"/> (null: from the start), at most <paramref name="pageSize"/>, and the token of the next page (null at the end).</summary>
    Task<(IReadOnlyList<string> Ids, string? ContinuationToken)> ListInstanceIdsAsync(string? after, int pageSize, CancellationToken cancellationToken = default);

    /// <summary>
    /// The earliest time an inbox event (a durable timer, a start) becomes visible that was not yet
    /// visible at <paramref name="after"/>; null when none. A dispatcher passes the time its last look
    /// for work began, so an event that became visible since is found at once (a start is visible from
    /// its time rounded up to the next millisecond).
    /// </summary>
    Task<DateTimeOffset?> GetNextVisibleAtAsync(DateTimeOffset after, CancellationToken cancellationToken = default);

    /// <summary>Locks and returns up to <paramref name="max"/> instances with deliverable inbox events, those waiting longest first.</summary>
    Task<IReadOnlyList<OrchestrationWorkItem>> GetOrchestrationWorkItemsAsync(int max, CancellationToken cancellationToken = default);

    /// <summary>Commits an episode: history, consumed inbox events, new work, status; releases the lock.</summary>
    /// <exception cref="InvalidOperationException">The lock was lost (the work item is then stale).</exception>
    Task CompleteOrchestrationWorkItemAsync(OrchestrationWorkItem workItem, OrchestrationEpisode episode, CancellationToken cancellationToken = default);

    /// <summary>Releases the lock; the inbox events stay for a later attempt.</summary>
    Task AbandonOrchestrationWorkItemAsync(OrchestrationWorkItem workItem, CancellationToken cancellationToken = default);

    /// <summary>Locks and returns up to <paramref name="max"/> activities to run, oldest first.</summary>
    Task<IReadOnlyList<ActivityWorkItem>> GetActivityWorkItemsAsync(int max, CancellationToken cancellationToken = default);

    /// <summary>Deletes the activity work item and delivers <paramref name="result"/> (TaskCompleted or TaskFailed) to the instance inbox, atomically.</summary>
    Task CompleteActivityWorkItemAsync(ActivityWorkItem workItem, HistoryEvent result, CancellationToken cancellationToken = default);

    /// <summary>Releases the activity's lock so it runs again.</summary>
    Task AbandonActivityWorkItemAsync(ActivityWorkItem workItem, CancellationToken cancellationToken = default);
}
