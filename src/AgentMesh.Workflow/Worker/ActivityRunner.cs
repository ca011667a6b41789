using AgentMesh.DurableTask.Protocol;
using AgentMesh.Workflow.Backend;
using AgentMesh.Workflow.Serialization;
using Microsoft.Extensions.DependencyInjection;

namespace AgentMesh.Workflow.Worker;

/// <summary>Runs one activity work item and produces its TaskCompleted or TaskFailed event.</summary>
internal sealed class ActivityRunner(WorkflowRegistry registry, IServiceProvider services, TimeProvider timeProvider)
{
    /// <summary>Runs the activity; throws <see cref="OperationCanceledException"/> only when <paramref name="stopping"/> fired.</summary>
    public async Task<HistoryEvent> RunAsync(ActivityWorkItem workItem, CancellationToken stopping)
    {
        var scheduled = workItem.TaskScheduled.TaskScheduled;
        var taskId = workItem.TaskScheduled.EventId;
        try
        {
            if (!registry.Activities.TryGetValue(scheduled.Name, out var type))
                throw new InvalidOperationException($"No activity named '{scheduled.Name}' is registered with this worker (WorkflowRuntimeOptions.RegisterActivity).");
            await using var scope = services.CreateAsyncScope();
            var body = (IActivityBody)ActivatorUtilities.CreateInstance(scope.ServiceProvider, type);
            var context = new ActivityExecutionContext(workItem.InstanceId, scheduled.Name, scheduled.TaskExecutionId, stopping);
            var output = await body.RunAsync(context, scheduled.Input).ConfigureAwait(false);
            return new HistoryEvent
            {
                EventId = -1, Timestamp = Now(),
                TaskCompleted = new TaskCompletedEvent { TaskScheduledId = taskId, Result = WorkflowJson.Serialize(output), TaskExecutionId = scheduled.TaskExecutionId },
            };
        }
        catch (Exception) when (stopping.IsCancellationRequested)
        {
            throw new OperationCanceledException(stopping);
        }
        catch (Exception ex)
        {
            return new HistoryEvent
            {
                EventId = -1, Timestamp = Now(),
                TaskFailed = new TaskFailedEvent { TaskScheduledId = taskId, FailureDetails = WorkflowTaskFailureDetails.ToProto(ex), TaskExecutionId = scheduled.TaskExecutionId },
            };
        }
    }

    private Google.Protobuf.WellKnownTypes.Timestamp Now() => Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(timeProvider.GetUtcNow());
}
