using AgentMesh.TaskHub.Backend;
using AgentMesh.TaskHub.Protocol;
using Google.Protobuf.WellKnownTypes;

namespace AgentMesh.TaskHub.Turns;

/// <summary>
/// Applies a worker's answer to one turn (a <see cref="WorkflowResponse"/>) to the instance: the
/// history it appends, the activities, timers, child instances and events it creates, and the
/// status it leaves (semantics of durabletask-go's backend: runtimestate's action applier).
/// </summary>
internal static class TurnResult
{
    /// <summary>
    /// The episode to commit for <paramref name="turn"/>, answered by <paramref name="response"/>.
    /// <paramref name="now"/> stamps the events the hub creates.
    /// </summary>
    public static OrchestrationEpisode Apply(WorkflowTurn turn, WorkflowResponse response, Timestamp now)
    {
        var workItem = turn.WorkItem;
        var started = turn.WorkflowStarted.Clone();
        if (response.Version is { } version)
            started.WorkflowStarted.Version = version;

        var episode = new OrchestrationEpisode { CustomStatus = response.CustomStatus, Status = StatusAfterEvents(workItem.Status, turn.NewEvents) };
        episode.NewHistory.Add(started);
        episode.NewHistory.AddRange(turn.NewEvents);
        episode.Started = turn.NewEvents.FirstOrDefault(e => e.ExecutionStarted is not null)?.ExecutionStarted;
        var execution = workItem.PastEvents.Concat(turn.NewEvents).LastOrDefault(e => e.ExecutionStarted is not null)?.ExecutionStarted
            ?? throw new InvalidOperationException($"Workflow instance '{workItem.InstanceId}' has no ExecutionStarted event in its history.");

        foreach (var action in response.Actions)
        {
            switch (action.WorkflowActionTypeCase)
            {
                case WorkflowAction.WorkflowActionTypeOneofCase.ScheduleTask:
                    var task = action.ScheduleTask;
                    var scheduled = new HistoryEvent
                    {
                        EventId = action.Id, Timestamp = now,
                        // The activity joins the trace of whoever started the workflow (ExecutionStarted's parent trace
                        // context), kept in history so a resumed instance's activities join it too.
                        TaskScheduled = new TaskScheduledEvent
                        {
                            Name = task.Name, Version = task.Version, Input = task.Input, TaskExecutionId = task.TaskExecutionId,
                            ParentTraceContext = execution.ParentTraceContext,
                        },
                    };
                    episode.NewHistory.Add(scheduled);
                    episode.NewActivities.Add(scheduled);
                    break;
                case WorkflowAction.WorkflowActionTypeOneofCase.CreateTimer:
                    episode.NewHistory.Add(new HistoryEvent { EventId = action.Id, Timestamp = now, TimerCreated = TimerCreated(action.CreateTimer) });
                    episode.NewTimers.Add(new HistoryEvent
                    {
                        EventId = -1, Timestamp = action.CreateTimer.FireAt,
                        TimerFired = new TimerFiredEvent { FireAt = action.CreateTimer.FireAt, TimerId = action.Id },
                    });
                    break;
                case WorkflowAction.WorkflowActionTypeOneofCase.CreateChildWorkflow:
                    var child = action.CreateChildWorkflow;
                    episode.NewHistory.Add(new HistoryEvent
                    {
                        EventId = action.Id, Timestamp = now,
                        ChildWorkflowInstanceCreated = new ChildWorkflowInstanceCreatedEvent { InstanceId = child.InstanceId, Name = child.Name, Version = child.Version, Input = child.Input },
                    });
                    episode.NewChildInstances.Add(new HistoryEvent
                    {
                        EventId = -1, Timestamp = now,
                        ExecutionStarted = new ExecutionStartedEvent
                        {
                            Name = child.Name, Version = child.Version, Input = child.Input,
                            WorkflowInstance = new WorkflowInstance { InstanceId = child.InstanceId, ExecutionId = Guid.NewGuid().ToString("N") },
                            ParentInstance = new ParentInstanceInfo
                            {
                                TaskScheduledId = action.Id, Name = execution.Name,
                                WorkflowInstance = new WorkflowInstance { InstanceId = workItem.InstanceId, ExecutionId = workItem.ExecutionId },
                            },
                        },
                    });
                    break;
                case WorkflowAction.WorkflowActionTypeOneofCase.CreateDetachedWorkflow:
                    var detached = action.CreateDetachedWorkflow;
                    var detachedId = string.IsNullOrEmpty(detached.InstanceId) ? Guid.NewGuid().ToString("N") : detached.InstanceId;
                    episode.NewHistory.Add(new HistoryEvent { EventId = action.Id, Timestamp = now, DetachedWorkflowInstanceCreated = new() { InstanceId = detachedId } });
                    var detachedStart = new ExecutionStartedEvent
                    {
                        Name = detached.Name, Version = detached.Version, Input = detached.Input, ScheduledStartTimestamp = detached.ScheduledStartTimestamp,
                        WorkflowInstance = new WorkflowInstance { InstanceId = detachedId, ExecutionId = detached.ExecutionId ?? Guid.NewGuid().ToString("N") },
                    };
                    detachedStart.Tags.Add(detached.Tags);
                    episode.NewChildInstances.Add(new HistoryEvent { EventId = -1, Timestamp = now, ExecutionStarted = detachedStart });
                    break;
                case WorkflowAction.WorkflowActionTypeOneofCase.SendEvent:
                    var send = action.SendEvent;
                    episode.NewHistory.Add(new HistoryEvent
                    {
                        EventId = action.Id, Timestamp = now,
                        EventSent = new EventSentEvent { InstanceId = send.Instance.InstanceId, Name = send.Name, Input = send.Data },
                    });
                    episode.OutgoingEvents.Add((send.Instance.InstanceId, null, new HistoryEvent
                    {
                        EventId = -1, Timestamp = now, EventRaised = new EventRaisedEvent { Name = send.Name, Input = send.Data },
                    }));
                    break;
                case WorkflowAction.WorkflowActionTypeOneofCase.TerminateWorkflow:
                    episode.Terminations.Add(action.TerminateWorkflow);
                    break;
                case WorkflowAction.WorkflowActionTypeOneofCase.CompleteWorkflow:
                    WorkflowCompletion.Apply(episode, action.CompleteWorkflow, execution, workItem, now);
                    break;
                case WorkflowAction.WorkflowActionTypeOneofCase.WorkflowVersionNotAvailable:
                    episode.Status = OrchestrationStatus.Stalled;
                    episode.NewHistory.Add(new HistoryEvent
                    {
                        EventId = -1, Timestamp = now,
                        ExecutionStalled = new ExecutionStalledEvent { Reason = StalledReason.VersionNotAvailable, Description = "The worker has no version of this workflow that can run its history." },
                    });
                    break;
            }
        }

        if (episode.ContinueAsNewEvents is null)
            episode.NewHistory.Add(new HistoryEvent { EventId = -1, Timestamp = now, WorkflowCompleted = new() });
        return episode;
    }

    /// <summary>The status after delivering <paramref name="events"/>: suspended by ExecutionSuspended, running again after ExecutionResumed or on start.</summary>
    private static OrchestrationStatus StatusAfterEvents(OrchestrationStatus status, IEnumerable<HistoryEvent> events)
    {
        foreach (var e in events)
        {
            status = e.EventTypeCase switch
            {
                HistoryEvent.EventTypeOneofCase.ExecutionStarted => OrchestrationStatus.Running,
                HistoryEvent.EventTypeOneofCase.ExecutionSuspended => OrchestrationStatus.Suspended,
                HistoryEvent.EventTypeOneofCase.ExecutionResumed => OrchestrationStatus.Running,
                _ => status is OrchestrationStatus.Stalled or OrchestrationStatus.Pending ? OrchestrationStatus.Running : status,
            };
        }

        return status;
    }

    private static TimerCreatedEvent TimerCreated(CreateTimerAction timer)
    {
        var created = new TimerCreatedEvent { FireAt = timer.FireAt };
        if (timer.HasName)
            created.Name = timer.Name;
        switch (timer.OriginCase)
        {
            case CreateTimerAction.OriginOneofCase.CreateTimer: created.CreateTimer = timer.CreateTimer; break;
            case CreateTimerAction.OriginOneofCase.ExternalEvent: created.ExternalEvent = timer.ExternalEvent; break;
            case CreateTimerAction.OriginOneofCase.ActivityRetry: created.ActivityRetry = timer.ActivityRetry; break;
            case CreateTimerAction.OriginOneofCase.ChildWorkflowRetry: created.ChildWorkflowRetry = timer.ChildWorkflowRetry; break;
        }

        return created;
    }
}
