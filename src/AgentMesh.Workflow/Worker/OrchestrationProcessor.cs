using AgentMesh.DurableTask.Protocol;
using AgentMesh.Workflow.Backend;
using AgentMesh.Workflow.Replay;
using Google.Protobuf.WellKnownTypes;

namespace AgentMesh.Workflow.Worker;

/// <summary>
/// Runs one episode of an instance: replays it with the new events and turns the resulting actions
/// into the history events, work items and status to commit.
/// </summary>
internal sealed class OrchestrationProcessor(OrchestrationExecutor executor, TimeProvider timeProvider)
{
    public OrchestrationEpisode Process(OrchestrationWorkItem workItem)
    {
        var now = Timestamp.FromDateTimeOffset(timeProvider.GetUtcNow());
        var newEvents = new List<HistoryEvent> { new() { EventId = -1, Timestamp = now, OrchestratorStarted = new() } };
        newEvents.AddRange(workItem.NewEvents.Select(m => m.Event));

        var result = executor.Execute(workItem.InstanceId, workItem.PastEvents, newEvents);
        var episode = new OrchestrationEpisode { CustomStatus = result.CustomStatus };
        episode.NewHistory.AddRange(newEvents);
        episode.Started = newEvents.FirstOrDefault(e => e.ExecutionStarted is not null)?.ExecutionStarted;
        var started = workItem.PastEvents.Concat(newEvents).Last(e => e.ExecutionStarted is not null).ExecutionStarted;

        foreach (var action in result.Actions)
        {
            switch (action.OrchestratorActionTypeCase)
            {
                case OrchestratorAction.OrchestratorActionTypeOneofCase.ScheduleTask:
                    var scheduled = new HistoryEvent
                    {
                        EventId = action.Id, Timestamp = now,
                        TaskScheduled = new TaskScheduledEvent
                        {
                            Name = action.ScheduleTask.Name, Input = action.ScheduleTask.Input, TaskExecutionId = action.ScheduleTask.TaskExecutionId,
                        },
                    };
                    episode.NewHistory.Add(scheduled);
                    episode.NewActivities.Add(scheduled);
                    break;
                case OrchestratorAction.OrchestratorActionTypeOneofCase.CreateTimer:
                    var fireAt = action.CreateTimer.FireAt;
                    episode.NewHistory.Add(new HistoryEvent { EventId = action.Id, Timestamp = now, TimerCreated = new TimerCreatedEvent { FireAt = fireAt } });
                    episode.NewTimers.Add(new HistoryEvent { EventId = -1, Timestamp = fireAt, TimerFired = new TimerFiredEvent { FireAt = fireAt, TimerId = action.Id } });
                    break;
                case OrchestratorAction.OrchestratorActionTypeOneofCase.CreateSubOrchestration:
                    var child = action.CreateSubOrchestration;
                    episode.NewHistory.Add(new HistoryEvent
                    {
                        EventId = action.Id, Timestamp = now,
                        SubOrchestrationInstanceCreated = new SubOrchestrationInstanceCreatedEvent { InstanceId = child.InstanceId, Name = child.Name, Input = child.Input },
                    });
                    episode.NewChildInstances.Add(new HistoryEvent
                    {
                        EventId = -1, Timestamp = now,
                        ExecutionStarted = new ExecutionStartedEvent
                        {
                            Name = child.Name, Input = child.Input,
                            OrchestrationInstance = new OrchestrationInstance { InstanceId = child.InstanceId, ExecutionId = Guid.NewGuid().ToString("N") },
                            ParentInstance = new ParentInstanceInfo
                            {
                                TaskScheduledId = action.Id, Name = started.Name,
                                OrchestrationInstance = new OrchestrationInstance { InstanceId = workItem.InstanceId, ExecutionId = workItem.ExecutionId },
                            },
                        },
                    });
                    break;
                case OrchestratorAction.OrchestratorActionTypeOneofCase.CompleteOrchestration:
                    Finish(episode, action.CompleteOrchestration, started, workItem, now);
                    break;
            }
        }
        if (result.Completion is null)
            episode.Status = result.IsSuspended ? OrchestrationStatus.Suspended : OrchestrationStatus.Running;
        episode.NewHistory.Add(new HistoryEvent { EventId = -1, Timestamp = now, OrchestratorCompleted = new() });
        return episode;
    }

    private static void Finish(OrchestrationEpisode episode, CompleteOrchestrationAction completion, ExecutionStartedEvent started, OrchestrationWorkItem workItem, Timestamp now)
    {
        if (completion.OrchestrationStatus == OrchestrationStatus.ContinuedAsNew)
        {
            var executionId = Guid.NewGuid().ToString("N");
            var restart = new ExecutionStartedEvent
            {
                Name = started.Name, Input = completion.Result, ParentInstance = started.ParentInstance,
                OrchestrationInstance = new OrchestrationInstance { InstanceId = workItem.InstanceId, ExecutionId = executionId },
            };
            episode.ContinueAsNewEvents = [new HistoryEvent { EventId = -1, Timestamp = now, ExecutionStarted = restart }, .. completion.CarryoverEvents];
            episode.NewExecutionId = executionId;
            episode.Started = restart;
            episode.Status = OrchestrationStatus.Running;
            episode.CustomStatus = null;
            return;
        }
        episode.NewHistory.Add(new HistoryEvent
        {
            EventId = -1, Timestamp = now,
            ExecutionCompleted = new ExecutionCompletedEvent
            {
                OrchestrationStatus = completion.OrchestrationStatus, Result = completion.Result, FailureDetails = completion.FailureDetails,
            },
        });
        episode.Status = completion.OrchestrationStatus;
        episode.Output = completion.Result;
        episode.FailureDetails = completion.FailureDetails;
        if (started.ParentInstance is { OrchestrationInstance: { } parent } parentInfo)
        {
            var notice = completion.OrchestrationStatus == OrchestrationStatus.Completed
                ? new HistoryEvent { EventId = -1, Timestamp = now, SubOrchestrationInstanceCompleted = new() { TaskScheduledId = parentInfo.TaskScheduledId, Result = completion.Result } }
                : new HistoryEvent
                {
                    EventId = -1, Timestamp = now,
                    SubOrchestrationInstanceFailed = new()
                    {
                        TaskScheduledId = parentInfo.TaskScheduledId,
                        FailureDetails = completion.FailureDetails ?? new TaskFailureDetails
                        {
                            ErrorType = "WorkflowTerminated", ErrorMessage = $"Child workflow '{workItem.InstanceId}' ended as {completion.OrchestrationStatus}.",
                        },
                    },
                };
            episode.OutgoingEvents.Add((parent.InstanceId, parent.ExecutionId, notice));
        }
    }
}
