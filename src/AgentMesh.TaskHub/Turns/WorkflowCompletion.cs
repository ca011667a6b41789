using AgentMesh.TaskHub.Backend;
using AgentMesh.TaskHub.Protocol;
using Google.Protobuf.WellKnownTypes;

namespace AgentMesh.TaskHub.Turns;

/// <summary>What a CompleteWorkflow action does: finish (and tell the parent), continue as new, or stall.</summary>
internal static class WorkflowCompletion
{
    public static void Apply(OrchestrationEpisode episode, CompleteWorkflowAction completion, ExecutionStartedEvent execution, OrchestrationWorkItem workItem, Timestamp now)
    {
        switch (completion.WorkflowStatus)
        {
            case OrchestrationStatus.ContinuedAsNew:
                ContinueAsNew(episode, completion, execution, workItem, now);
                return;
            case OrchestrationStatus.Stalled:
                episode.Status = OrchestrationStatus.Stalled;
                var stalled = new ExecutionStalledEvent { Reason = StalledReason.PatchMismatch };
                if (completion.Details is { } details)
                    stalled.Description = details;
                episode.NewHistory.Add(new HistoryEvent { EventId = -1, Timestamp = now, ExecutionStalled = stalled });
                return;
        }

        episode.NewHistory.Add(new HistoryEvent
        {
            EventId = -1, Timestamp = now,
            ExecutionCompleted = new ExecutionCompletedEvent { WorkflowStatus = completion.WorkflowStatus, Result = completion.Result, FailureDetails = completion.FailureDetails },
        });
        episode.Status = completion.WorkflowStatus;
        episode.Output = completion.Result;
        episode.FailureDetails = completion.FailureDetails;
        if (execution.ParentInstance is { WorkflowInstance: { } parent } parentInfo)
        {
            var notice = completion.WorkflowStatus == OrchestrationStatus.Completed
                ? new HistoryEvent
                {
                    EventId = -1, Timestamp = now,
                    ChildWorkflowInstanceCompleted = new() { TaskScheduledId = parentInfo.TaskScheduledId, Result = completion.Result },
                }
                : new HistoryEvent
                {
                    EventId = -1, Timestamp = now,
                    ChildWorkflowInstanceFailed = new()
                    {
                        TaskScheduledId = parentInfo.TaskScheduledId,
                        FailureDetails = completion.FailureDetails ?? new TaskFailureDetails
                        {
                            ErrorType = "WorkflowTerminated",
                            ErrorMessage = $"Child workflow '{workItem.InstanceId}' ended as {completion.WorkflowStatus.Describe()}.",
                        },
                    },
                };
            episode.OutgoingEvents.Add((parent.InstanceId, parent.ExecutionId, notice));
        }
    }

    private static void ContinueAsNew(OrchestrationEpisode episode, CompleteWorkflowAction completion, ExecutionStartedEvent execution, OrchestrationWorkItem workItem, Timestamp now)
    {
        var executionId = Guid.NewGuid().ToString("N");
        var restart = new ExecutionStartedEvent
        {
            Name = execution.Name, Version = completion.NewVersion ?? execution.Version, Input = completion.Result, ParentInstance = execution.ParentInstance,
            WorkflowInstance = new WorkflowInstance { InstanceId = workItem.InstanceId, ExecutionId = executionId },
        };
        restart.Tags.Add(execution.Tags);
        episode.ContinueAsNewEvents = [new HistoryEvent { EventId = -1, Timestamp = now, ExecutionStarted = restart }, .. completion.CarryoverEvents];
        episode.NewExecutionId = executionId;
        episode.Started = restart;
        episode.Status = OrchestrationStatus.Running;
        episode.CustomStatus = null;
    }
}
