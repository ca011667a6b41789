using AgentMesh.TaskHub.Backend;
using AgentMesh.TaskHub.Dispatch;
using AgentMesh.TaskHub.Protocol;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sidecar = AgentMesh.TaskHub.Protocol.TaskHubSidecarService;

namespace AgentMesh.TaskHub.Grpc;

/// <summary>
/// Dapr's TaskHubSidecarService (orchestrator_service.proto), served by the embedded hub so that the
/// Dapr.Workflow SDK's worker and client use it as they would use daprd. Statuses: INVALID_ARGUMENT
/// for a bad instance id or name, NOT_FOUND for an unknown instance, ALREADY_EXISTS for a live
/// duplicate id, FAILED_PRECONDITION for an event to a finished instance or a purge of a live one,
/// UNIMPLEMENTED for rerunning from a child workflow's event. A purge by filter deletes the finished
/// instances it matches (created in [from, to), in the statuses named) and skips the rest.
/// </summary>
internal sealed class TaskHubSidecarService(
    ITaskHubBackend backend,
    WorkItemDispatcher dispatcher,
    InstanceChanges changes,
    IOptions<TaskHubOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<TaskHubSidecarService> logger) : Sidecar.TaskHubSidecarServiceBase
{
    private const int DefaultPageSize = 100;
    private static readonly WriteOptions BufferedWrite = new(WriteFlags.BufferHint);

    public override Task<Empty> Hello(Empty request, ServerCallContext context) => Task.FromResult(new Empty());

    public override async Task<CreateInstanceResponse> StartInstance(CreateInstanceRequest request, ServerCallContext context)
    {
        var instanceId = request.InstanceId.Length == 0 ? Guid.NewGuid().ToString("N") : InstanceIds.Require(request.InstanceId);
        if (string.IsNullOrWhiteSpace(request.Name))
            throw new RpcException(new Status(StatusCode.InvalidArgument, "CreateInstanceRequest.name is empty: name the registered workflow to run."));
        var now = options.Value.TimeProvider.GetUtcNow();
        var started = new ExecutionStartedEvent
        {
            Name = request.Name, Version = request.Version, Input = request.Input, ScheduledStartTimestamp = request.ScheduledStartTimestamp,
            ParentTraceContext = request.ParentTraceContext,
            WorkflowInstance = new WorkflowInstance { InstanceId = instanceId, ExecutionId = request.ExecutionId ?? Guid.NewGuid().ToString("N") },
        };
        started.Tags.Add(request.Tags);
        try
        {
            await backend.CreateInstanceAsync(
                new HistoryEvent { EventId = -1, Timestamp = Timestamp.FromDateTimeOffset(now), ExecutionStarted = started },
                request.ScheduledStartTimestamp?.ToDateTimeOffset() ?? now,
                context.CancellationToken).ConfigureAwait(false);
        }
        catch (InstanceExistsException e)
        {
            throw new RpcException(new Status(StatusCode.AlreadyExists, e.Message));
        }

        return new CreateInstanceResponse { InstanceId = instanceId };
    }

    public override async Task<GetInstanceResponse> GetInstance(GetInstanceRequest request, ServerCallContext context)
    {
        var state = await backend.GetInstanceAsync(InstanceIds.Require(request.InstanceId), request.GetInputsAndOutputs, context.CancellationToken).ConfigureAwait(false);
        return state is null ? new GetInstanceResponse { Exists = false } : new GetInstanceResponse { Exists = true, WorkflowState = state };
    }

    public override Task<GetInstanceResponse> WaitForInstanceStart(GetInstanceRequest request, ServerCallContext context)
        => WaitAsync(request, s => s.WorkflowStatus != OrchestrationStatus.Pending, context);

    public override Task<GetInstanceResponse> WaitForInstanceCompletion(GetInstanceRequest request, ServerCallContext context)
        => WaitAsync(request, s => s.WorkflowStatus.IsTerminal(), context);

    public override async Task<RaiseEventResponse> RaiseEvent(RaiseEventRequest request, ServerCallContext context)
    {
        if (string.IsNullOrEmpty(request.Name))
            throw new RpcException(new Status(StatusCode.InvalidArgument, "RaiseEventRequest.name is empty: name the event the workflow waits for."));
        await AddEventAsync(request.InstanceId, e => e.EventRaised = new EventRaisedEvent { Name = request.Name, Input = request.Input }, $"event '{request.Name}'", context).ConfigureAwait(false);
        return new RaiseEventResponse();
    }

    public override async Task<TerminateResponse> TerminateInstance(TerminateRequest request, ServerCallContext context)
    {
        var instanceId = InstanceIds.Require(request.InstanceId);
        if (!await backend.TerminateAsync(instanceId, request.Output, request.Recursive, context.CancellationToken).ConfigureAwait(false))
            throw InstanceIds.NotFound(instanceId);
        return new TerminateResponse();
    }

    public override async Task<SuspendResponse> SuspendInstance(SuspendRequest request, ServerCallContext context)
    {
        await AddEventAsync(request.InstanceId, e => e.ExecutionSuspended = new ExecutionSuspendedEvent { Input = request.Reason }, "a suspension", context).ConfigureAwait(false);
        return new SuspendResponse();
    }

    public override async Task<ResumeResponse> ResumeInstance(ResumeRequest request, ServerCallContext context)
    {
        await AddEventAsync(request.InstanceId, e => e.ExecutionResumed = new ExecutionResumedEvent { Input = request.Reason }, "a resumption", context).ConfigureAwait(false);
        return new ResumeResponse();
    }

    public override async Task<PurgeInstancesResponse> PurgeInstances(PurgeInstancesRequest request, ServerCallContext context)
    {
        if (request.RequestCase == PurgeInstancesRequest.RequestOneofCase.PurgeInstanceFilter)
        {
            var filter = request.PurgeInstanceFilter;
            var live = filter.RuntimeStatus.Where(status => !status.IsTerminal()).Select(status => status.Describe()).ToList();
            if (live.Count > 0)
                throw new RpcException(new Status(StatusCode.InvalidArgument,
                    $"PurgeInstanceFilter.runtimeStatus names {string.Join(", ", live)}; only finished instances (COMPLETED, FAILED, CANCELED, TERMINATED) can be purged."));
            var purged = await backend.PurgeInstancesAsync(
                filter.CreatedTimeFrom?.ToDateTimeOffset(), filter.CreatedTimeTo?.ToDateTimeOffset(), filter.RuntimeStatus, request.Recursive, context.CancellationToken).ConfigureAwait(false);
            return new PurgeInstancesResponse { DeletedInstanceCount = purged, IsComplete = true };
        }
        try
        {
            var deleted = await backend.PurgeInstanceAsync(InstanceIds.Require(request.InstanceId), request.Recursive, context.CancellationToken).ConfigureAwait(false);
            return new PurgeInstancesResponse { DeletedInstanceCount = deleted, IsComplete = true };
        }
        catch (InvalidOperationException e)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, e.Message));
        }
    }

    public override async Task GetWorkItems(GetWorkItemsRequest request, IServerStreamWriter<WorkItem> responseStream, ServerCallContext context)
    {
        // The stream ends with OK when the host begins stopping, so the worker sees a clean end, not a reset.
        using var open = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        var connection = dispatcher.Connect();
        TaskHubLog.WorkerConnected(logger, dispatcher.ConnectedWorkers);
        try
        {
            await foreach (var workItem in connection.Outbox.Reader.ReadAllAsync(open.Token).ConfigureAwait(false))
            {
                // Work items queued behind this one go out in the same flush.
                responseStream.WriteOptions = connection.Outbox.Reader.TryPeek(out _) ? BufferedWrite : null;
                await responseStream.WriteAsync(workItem, open.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (open.IsCancellationRequested)
        {
            // The worker went away or the host is stopping.
        }
        finally
        {
            await dispatcher.DisconnectAsync(connection).ConfigureAwait(false);
            TaskHubLog.WorkerDisconnected(logger, dispatcher.ConnectedWorkers);
        }
    }

    public override async Task<CompleteTaskResponse> CompleteActivityTask(ActivityResponse request, ServerCallContext context)
    {
        await dispatcher.CompleteActivityAsync(request, context.CancellationToken).ConfigureAwait(false);
        return new CompleteTaskResponse();
    }

    public override async Task<CompleteTaskResponse> CompleteWorkflowTask(WorkflowResponse request, ServerCallContext context)
    {
        await dispatcher.CompleteWorkflowAsync(request, context.CancellationToken).ConfigureAwait(false);
        return new CompleteTaskResponse();
    }

    /// <summary>The deprecated name of <see cref="CompleteWorkflowTask"/>, which Dapr.Workflow 1.19.1's worker still calls (for runtimes older than 1.18).</summary>
    [Obsolete("Deprecated in the protocol; use CompleteWorkflowTask.")]
    public override Task<CompleteTaskResponse> CompleteOrchestratorTask(WorkflowResponse request, ServerCallContext context)
        => CompleteWorkflowTask(request, context);

    public override async Task<RerunWorkflowFromEventResponse> RerunWorkflowFromEvent(RerunWorkflowFromEventRequest request, ServerCallContext context)
    {
        var source = InstanceIds.Require(request.SourceInstanceID);
        if (request.HasNewChildWorkflowInstanceID)
            throw new RpcException(new Status(StatusCode.Unimplemented, "Rerunning from a child workflow's event (newChildWorkflowInstanceID) is not supported by the embedded hub; rerun from an activity's TaskScheduled event."));
        var newId = request.HasNewInstanceID && request.NewInstanceID.Length > 0 ? InstanceIds.Require(request.NewInstanceID) : Guid.NewGuid().ToString("N");
        try
        {
            if (!await backend.RerunFromEventAsync(source, (int)request.EventID, newId, request.Input, request.OverwriteInput, context.CancellationToken).ConfigureAwait(false))
                throw InstanceIds.NotFound(source);
        }
        catch (InstanceExistsException e)
        {
            throw new RpcException(new Status(StatusCode.AlreadyExists, e.Message));
        }
        catch (InvalidOperationException e)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, e.Message));
        }

        return new RerunWorkflowFromEventResponse { NewInstanceID = newId };
    }

    public override async Task<ListInstanceIDsResponse> ListInstanceIDs(ListInstanceIDsRequest request, ServerCallContext context)
    {
        var pageSize = request.HasPageSize && request.PageSize > 0 ? (int)Math.Min(request.PageSize, 10_000) : DefaultPageSize;
        var (ids, next) = await backend.ListInstanceIdsAsync(request.HasContinuationToken ? request.ContinuationToken : null, pageSize, context.CancellationToken).ConfigureAwait(false);
        var response = new ListInstanceIDsResponse();
        response.InstanceIds.AddRange(ids);
        if (next is not null)
            response.ContinuationToken = next;
        return response;
    }

    public override async Task<GetInstanceHistoryResponse> GetInstanceHistory(GetInstanceHistoryRequest request, ServerCallContext context)
    {
        var instanceId = InstanceIds.Require(request.InstanceId);
        if (await backend.GetInstanceAsync(instanceId, includePayloads: false, context.CancellationToken).ConfigureAwait(false) is null)
            throw InstanceIds.NotFound(instanceId);
        var response = new GetInstanceHistoryResponse();
        response.Events.AddRange(await backend.GetHistoryAsync(instanceId, context.CancellationToken).ConfigureAwait(false));
        return response;
    }

    /// <summary>Blocks until <paramref name="done"/> holds for the instance, the instance is missing, or the call ends (its deadline gives DEADLINE_EXCEEDED).</summary>
    private async Task<GetInstanceResponse> WaitAsync(GetInstanceRequest request, Func<WorkflowState, bool> done, ServerCallContext context)
    {
        var instanceId = InstanceIds.Require(request.InstanceId);
        while (true)
        {
            // Registered before the read, so a change committed in between is not missed; the timeout is a safety net.
            var changed = changes.NextAsync(instanceId, TimeSpan.FromSeconds(5), context.CancellationToken);
            var state = await backend.GetInstanceAsync(instanceId, request.GetInputsAndOutputs, context.CancellationToken).ConfigureAwait(false);
            if (state is null)
                return new GetInstanceResponse { Exists = false };
            if (done(state))
                return new GetInstanceResponse { Exists = true, WorkflowState = state };
            await changed.ConfigureAwait(false);
            context.CancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Adds an event, stamped with the hub's clock and shaped by <paramref name="set"/>, to a live instance's inbox; NOT_FOUND or FAILED_PRECONDITION (naming <paramref name="what"/>) otherwise.</summary>
    private async Task AddEventAsync(string instanceId, Action<HistoryEvent> set, string what, ServerCallContext context)
    {
        InstanceIds.Require(instanceId);
        var e = new HistoryEvent { EventId = -1, Timestamp = Timestamp.FromDateTimeOffset(options.Value.TimeProvider.GetUtcNow()) };
        set(e);
        if (await backend.AddEventAsync(instanceId, e, context.CancellationToken).ConfigureAwait(false))
            return;
        var state = await backend.GetInstanceAsync(instanceId, includePayloads: false, context.CancellationToken).ConfigureAwait(false);
        throw state is null
            ? InstanceIds.NotFound(instanceId)
            : new RpcException(new Status(StatusCode.FailedPrecondition, $"Workflow instance '{instanceId}' is {state.WorkflowStatus.Describe()}; it takes no more events, so {what} was not delivered."));
    }
}
