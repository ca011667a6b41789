using AgentMesh.DurableTask.Protocol;
using AgentMesh.Workflow.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentMesh.Workflow.Replay;

/// <summary>
/// Replays a workflow from its history (past events), then applies new events, and reports the
/// actions the code took that history does not hold yet. Runs the code on the calling thread.
/// </summary>
internal sealed class OrchestrationExecutor(WorkflowRegistry registry, IServiceProvider services, ILoggerFactory loggerFactory)
{
    private WorkflowRegistry Registry => registry;
    private IServiceProvider Services => services;
    private ILoggerFactory LoggerFactory => loggerFactory;

    public ExecutionResult Execute(string instanceId, IReadOnlyList<HistoryEvent> pastEvents, IReadOnlyList<HistoryEvent> newEvents)
    {
        var run = new Run(this, instanceId);
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(run.Scheduler);
        try
        {
            foreach (var e in pastEvents)
                if (!run.Apply(e)) break;
            run.EndReplay();
            foreach (var e in newEvents)
                if (!run.Apply(e)) break;
            return run.Finish();
        }
        catch (Exception ex)
        {
            // Non-determinism, or workflow code that failed outside an awaited task (e.g. an output
            // that cannot be serialized): the instance fails instead of being retried forever.
            return run.Fail(ex);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    /// <summary>State of one execution attempt.</summary>
    private sealed class Run(OrchestrationExecutor owner, string instanceId)
    {
        private readonly List<HistoryEvent> _heldWhileSuspended = [];
        private Task<object?>? _workflowTask;
        private CompleteOrchestrationAction? _completion;
        private bool _suspended;
        private DateTime _currentTime;

        public WorkflowSynchronizationContext Scheduler { get; } = new();
        public ReplayWorkflowContext? Context { get; private set; }
        private bool _replaying = true;

        public void EndReplay()
        {
            _replaying = false;
            if (Context is not null) Context.Replaying = false;
        }

        /// <summary>Applies one event; false once the execution has finished.</summary>
        public bool Apply(HistoryEvent e)
        {
            if (_suspended && e.EventTypeCase is not (HistoryEvent.EventTypeOneofCase.ExecutionResumed or HistoryEvent.EventTypeOneofCase.ExecutionTerminated))
            {
                _heldWhileSuspended.Add(e);
                return true;
            }
            Dispatch(e);
            Scheduler.Drain();
            if (_completion is null && _workflowTask is { IsCompleted: true })
                _completion = Complete(_workflowTask);
            return _completion is null;
        }

        private void Dispatch(HistoryEvent e)
        {
            switch (e.EventTypeCase)
            {
                case HistoryEvent.EventTypeOneofCase.OrchestratorStarted:
                    _currentTime = e.Timestamp.ToDateTime();
                    if (Context is not null) Context.CurrentTime = _currentTime;
                    break;
                case HistoryEvent.EventTypeOneofCase.ExecutionStarted:
                    Start(e.ExecutionStarted);
                    break;
                case HistoryEvent.EventTypeOneofCase.TaskScheduled:
                    Match(e.EventId, a => a.ScheduleTask is { } s && s.Name == e.TaskScheduled.Name, $"activity '{e.TaskScheduled.Name}'");
                    break;
                case HistoryEvent.EventTypeOneofCase.TimerCreated:
                    Match(e.EventId, a => a.CreateTimer is not null, "a timer");
                    break;
                case HistoryEvent.EventTypeOneofCase.SubOrchestrationInstanceCreated:
                    Match(e.EventId, a => a.CreateSubOrchestration is { } s && s.Name == e.SubOrchestrationInstanceCreated.Name,
                        $"child workflow '{e.SubOrchestrationInstanceCreated.Name}'");
                    break;
                case HistoryEvent.EventTypeOneofCase.TaskCompleted:
                    Resolve(e.TaskCompleted.TaskScheduledId)?.Complete(e.TaskCompleted.Result);
                    break;
                case HistoryEvent.EventTypeOneofCase.TaskFailed:
                    Resolve(e.TaskFailed.TaskScheduledId)?.Fail(e.TaskFailed.FailureDetails);
                    break;
                case HistoryEvent.EventTypeOneofCase.SubOrchestrationInstanceCompleted:
                    Resolve(e.SubOrchestrationInstanceCompleted.TaskScheduledId)?.Complete(e.SubOrchestrationInstanceCompleted.Result);
                    break;
                case HistoryEvent.EventTypeOneofCase.SubOrchestrationInstanceFailed:
                    Resolve(e.SubOrchestrationInstanceFailed.TaskScheduledId)?.Fail(e.SubOrchestrationInstanceFailed.FailureDetails);
                    break;
                case HistoryEvent.EventTypeOneofCase.TimerFired:
                    Resolve(e.TimerFired.TimerId)?.Complete(null);
                    break;
                case HistoryEvent.EventTypeOneofCase.EventRaised:
                    Context?.DeliverEvent(e);
                    break;
                case HistoryEvent.EventTypeOneofCase.ExecutionSuspended:
                    _suspended = true;
                    break;
                case HistoryEvent.EventTypeOneofCase.ExecutionResumed:
                    _suspended = false;
                    var held = _heldWhileSuspended.ToList();
                    _heldWhileSuspended.Clear();
                    foreach (var h in held)
                    {
                        Dispatch(h);
                        Scheduler.Drain();
                    }
                    break;
                case HistoryEvent.EventTypeOneofCase.ExecutionTerminated:
                    _completion = new CompleteOrchestrationAction
                    {
                        OrchestrationStatus = OrchestrationStatus.Terminated,
                        Result = e.ExecutionTerminated.Input,
                    };
                    break;
            }
        }

        private void Start(ExecutionStartedEvent started)
        {
            Context = new ReplayWorkflowContext(instanceId, started.Name, started.OrchestrationInstance?.ExecutionId ?? "", owner.LoggerFactory)
            {
                CurrentTime = _currentTime,
                Replaying = _replaying,
            };
            if (!owner.Registry.Workflows.TryGetValue(started.Name, out var type))
            {
                _workflowTask = Task.FromException<object?>(new InvalidOperationException(
                    $"No workflow named '{started.Name}' is registered with this worker (WorkflowRuntimeOptions.RegisterWorkflow)."));
                return;
            }
            try
            {
                var body = (IWorkflowBody)ActivatorUtilities.CreateInstance(owner.Services, type);
                _workflowTask = body.RunAsync(Context, started.Input);
            }
            catch (Exception ex)
            {
                _workflowTask = Task.FromException<object?>(ex);
            }
        }

        private void Match(int actionId, Func<OrchestratorAction, bool> isExpected, string recorded)
        {
            if (Context is null || !Context.PendingActions.Remove(actionId, out var action) || !isExpected(action))
                throw new NonDeterministicWorkflowException(
                    $"Non-deterministic workflow: history records {recorded} as action #{actionId}, but replaying the code did not take that action " +
                    "at that point. Workflow code must take the same actions in the same order on every replay.");
        }

        private IOpenTask? Resolve(int id) =>
            Context is not null && Context.OpenTasks.Remove(id, out var task) ? task : null;

        private CompleteOrchestrationAction Complete(Task<object?> workflowTask)
        {
            if (workflowTask.IsCompletedSuccessfully)
            {
                if (Context!.ContinuedAsNew)
                {
                    var action = new CompleteOrchestrationAction
                    {
                        OrchestrationStatus = OrchestrationStatus.ContinuedAsNew,
                        Result = Context.ContinueAsNewInput,
                    };
                    if (Context.PreserveUnprocessedEvents)
                        action.CarryoverEvents.AddRange(Context.BufferedEvents.Concat(_heldWhileSuspended.Where(h => h.EventRaised is not null)));
                    return action;
                }
                return new CompleteOrchestrationAction
                {
                    OrchestrationStatus = OrchestrationStatus.Completed,
                    Result = Serialization.WorkflowJson.Serialize(workflowTask.Result),
                };
            }
            var exception = workflowTask.Exception?.InnerException ?? new TaskCanceledException("The workflow's task was canceled.");
            return new CompleteOrchestrationAction
            {
                OrchestrationStatus = OrchestrationStatus.Failed,
                FailureDetails = WorkflowTaskFailureDetails.ToProto(exception),
            };
        }

        public ExecutionResult Finish()
        {
            var actions = new List<OrchestratorAction>();
            if (_completion is null && Context is not null)
                actions.AddRange(Context.PendingActions.Values);
            if (_completion is not null)
                actions.Add(new OrchestratorAction { Id = Context?.NextActionId() ?? 0, CompleteOrchestration = _completion });
            return new ExecutionResult(actions, Context?.CustomStatus, _suspended);
        }

        public ExecutionResult Fail(Exception exception)
        {
            _completion = new CompleteOrchestrationAction
            {
                OrchestrationStatus = OrchestrationStatus.Failed,
                FailureDetails = WorkflowTaskFailureDetails.ToProto(exception),
            };
            return new ExecutionResult([new OrchestratorAction { Id = -1, CompleteOrchestration = _completion }], Context?.CustomStatus, false);
        }
    }
}
