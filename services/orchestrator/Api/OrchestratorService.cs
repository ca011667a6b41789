using System.Security.Cryptography;
using System.Text.RegularExpressions;
using AgentMesh.Clients;
using AgentMesh.Contracts.V1;
using Grpc.Core;
using AgentMesh.Planning;
using AgentMesh.Services.Orchestrator.RunWorkflow;
using AgentMesh.Telemetry;
using Dapr.Workflow;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrchestratorContract = AgentMesh.Contracts.V1.Orchestrator;

namespace AgentMesh.Services.Orchestrator.Api;

/// <summary>agentmesh.v1.Orchestrator: starts runs as durable workflows, and reads, watches, cancels and approves them.</summary>
public sealed partial class OrchestratorService(
    State.StateClient state,
    Streaming.RunDeltaHub deltas,
    DaprWorkflowClient workflows,
    IOptions<OrchestratorOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider time) : OrchestratorContract.OrchestratorBase
{
    public override async Task<StartRunResponse> StartRun(StartRunRequest request, ServerCallContext context)
    {
        var startedAt = time.GetUtcNow();
        var input = ValidateInput(request, startedAt.UtcDateTime);
        var runId = request.RunId.Length > 0 ? request.RunId : NewRunId();
        var now = Timestamp.FromDateTimeOffset(startedAt);
        var run = new Run
        {
            RunId = runId, Status = RunStatus.Pending, Goal = input.Goal, CreatedAt = now, UpdatedAt = now, Usage = new Usage(), Budget = input.Budget.ToProto(),
        };
        if (input.Plan is not null)
        {
            run.Plan = PlanJson.ToProto(input.Plan);
        }

        run.Labels.Add(request.Labels);
        await state.SaveRunAsync(new SaveRunRequest
        {
            Run = run,
            CreateOnly = true,
            Events = { new RunEvent { StatusChanged = new RunStatusChanged { Status = RunStatus.Pending } } },
        }, cancellationToken: context.CancellationToken).ConfigureAwait(false);
        await workflows.ScheduleNewWorkflowAsync(nameof(RunWorkflow.RunWorkflow), runId, input with { RunId = runId }, startTime: null, context.CancellationToken).ConfigureAwait(false);
        return new StartRunResponse { RunId = runId };
    }

    /// <summary>
    /// Streams the run's events from State, and with <c>include_deltas</c> the models' streamed text as it comes
    /// (<see cref="Streaming.RunDeltaHub"/>). When the host begins shutting down, the stream ends at once with
    /// UNAVAILABLE; the caller resumes with <c>after_sequence</c> set to the last sequence it saw.
    /// </summary>
    public override async Task WatchRun(WatchRunRequest request, IServerStreamWriter<RunEvent> responseStream, ServerCallContext context)
    {
        await GetRunRecordAsync(request.RunId, context).ConfigureAwait(false);
        using var watch = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        using var subscription = request.IncludeDeltas ? deltas.Subscribe(request.RunId) : null;
        using var writes = new SemaphoreSlim(1, 1);
        async Task WriteAsync(RunEvent runEvent)
        {
            // Durable events and deltas come from two loops; a gRPC stream takes one write at a time.
            await writes.WaitAsync(watch.Token).ConfigureAwait(false);
            try
            {
                await responseStream.WriteAsync(runEvent, watch.Token).ConfigureAwait(false);
            }
            finally
            {
                writes.Release();
            }
        }

        using var stopDeltas = CancellationTokenSource.CreateLinkedTokenSource(watch.Token);
        var deltaPump = subscription is null ? Task.CompletedTask : PumpDeltasAsync(request.RunId, subscription, WriteAsync, stopDeltas.Token);
        var last = request.AfterSequence;
        try
        {
            using var call = state.ReadRunEvents(
                new ReadRunEventsRequest { RunId = request.RunId, AfterSequence = request.AfterSequence, Follow = true }, cancellationToken: watch.Token);
            await foreach (var runEvent in call.ResponseStream.ReadAllAsync(watch.Token).ConfigureAwait(false))
            {
                await WriteAsync(runEvent).ConfigureAwait(false);
                last = runEvent.Sequence;
            }
        }
        catch (Exception e) when (lifetime.ApplicationStopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested
            && e is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"The Orchestrator is shutting down; watch again with after_sequence = {last} to resume."));
        }
        finally
        {
            await stopDeltas.CancelAsync().ConfigureAwait(false);
            await deltaPump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Writes the run's deltas as they come until <paramref name="cancellationToken"/> stops it.</summary>
    private static async Task PumpDeltasAsync(string runId, Streaming.RunDeltaHub.Subscription subscription, Func<RunEvent, Task> write, CancellationToken cancellationToken)
    {
        while (true)
        {
            var delta = await subscription.ReadAsync(cancellationToken).ConfigureAwait(false);
            await write(new RunEvent { RunId = runId, Time = Timestamp.FromDateTime(DateTime.UtcNow), ModelDelta = delta }).ConfigureAwait(false);
        }
    }

    public override async Task<Run> GetRun(GetRunRequest request, ServerCallContext context)
        => (await GetRunRecordAsync(request.RunId, context).ConfigureAwait(false)).Run;

    public override async Task<ListRunsResponse> ListRuns(ListRunsRequest request, ServerCallContext context)
    {
        if (request.PageSize is < 0 or > 500)
        {
            throw BadRequestStatus.Create("page_size", $"page_size must be 0..500 (0 means 50), not {request.PageSize}.");
        }

        var page = await state.ListRunsAsync(new ListRunRecordsRequest
        {
            Statuses = { request.Statuses }, PageSize = request.PageSize, PageToken = request.PageToken, Labels = { request.Labels },
        }, cancellationToken: context.CancellationToken).ConfigureAwait(false);
        var response = new ListRunsResponse { NextPageToken = page.NextPageToken };
        response.Runs.AddRange(page.Runs.Select(r => r.Run));
        return response;
    }

    public override async Task<Run> CancelRun(CancelRunRequest request, ServerCallContext context)
    {
        while (true)
        {
            var record = await GetRunRecordAsync(request.RunId, context).ConfigureAwait(false);
            var run = record.Run;
            if (RunStatuses.IsTerminal(run.Status))
            {
                throw new RpcException(new Status(StatusCode.FailedPrecondition, $"Run \"{run.RunId}\" is already {run.Status}; only a run that has not ended can be cancelled."));
            }

            var reason = string.IsNullOrWhiteSpace(request.Reason) ? "cancelled by a caller" : request.Reason;
            await workflows.TerminateWorkflowAsync(run.RunId, reason, context.CancellationToken).ConfigureAwait(false);
            run.Status = RunStatus.Cancelled;
            run.Error = reason;
            var pendingBefore = run.PendingApprovals.Count;
            run.PendingApprovals.Clear();
            run.UpdatedAt = Timestamp.FromDateTimeOffset(time.GetUtcNow());
            try
            {
                await state.SaveRunAsync(new SaveRunRequest
                {
                    Run = run,
                    Etag = record.Etag,
                    Events = { new RunEvent { StatusChanged = new RunStatusChanged { Status = RunStatus.Cancelled, Reason = reason, Usage = run.Usage } } },
                }, cancellationToken: context.CancellationToken).ConfigureAwait(false);
                MeshMetrics.ApprovalsPending(-pendingBefore);
                MeshMetrics.RunEnded("cancelled", "");
                return run;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Aborted)
            {
                // The workflow wrote the record meanwhile; read it again.
            }
        }
    }

    public override async Task<SubmitApprovalResponse> SubmitApproval(SubmitApprovalRequest request, ServerCallContext context)
    {
        if (string.IsNullOrEmpty(request.ApprovalId))
        {
            throw BadRequestStatus.Create("approval_id", "approval_id is required (it is in the run's approval_requested event).");
        }

        var page = await state.ListRunsAsync(new ListRunRecordsRequest { Statuses = { RunStatus.AwaitingApproval, RunStatus.Running }, PageSize = 500 }, cancellationToken: context.CancellationToken).ConfigureAwait(false);
        var run = page.Runs.Select(r => r.Run).FirstOrDefault(r => r.PendingApprovals.Any(a => a.ApprovalId == request.ApprovalId))
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"No run waits for approval \"{Shorten(request.ApprovalId)}\" (unknown id, or already decided)."));
        var decision = new Decision(request.ApprovalId, request.Approve, request.Reason, time.GetUtcNow().UtcDateTime);
        await workflows.RaiseEventAsync(run.RunId, RunWorkflow.RunWorkflow.ApprovalEventName(request.ApprovalId), decision, context.CancellationToken).ConfigureAwait(false);
        return new SubmitApprovalResponse
        {
            RunId = run.RunId,
            Decision = decision.ToProto(),
        };
    }

    /// <summary>The run's workflow input from <paramref name="request"/>; INVALID_ARGUMENT naming every bad field.</summary>
    private RunInput ValidateInput(StartRunRequest request, DateTime startedAt)
    {
        if (request.RunId.Length > 0 && !RunIdPattern().IsMatch(request.RunId))
        {
            throw BadRequestStatus.Create("run_id", $"run_id \"{Shorten(request.RunId)}\" must be 1-64 letters, digits, '-' or '_'.");
        }

        var violations = RunLabels.Problems(request.Labels).ToList();
        var budget = options.Value.Budget.LoweredBy(request.Budget, violations);
        if (violations.Count > 0)
        {
            throw BadRequestStatus.Create(string.Join(" ", violations.Select(v => v.Description)), violations);
        }

        var settings = RunSettings.From(options.Value);
        switch (request.InputCase)
        {
            case StartRunRequest.InputOneofCase.Goal when !string.IsNullOrWhiteSpace(request.Goal):
                return new RunInput("", request.Goal.Trim(), null, settings, budget, startedAt);
            case StartRunRequest.InputOneofCase.Plan:
                var planViolations = new PlanValidator(options.Value.KnownRoles).FindViolations(request.Plan);
                if (planViolations.Count > 0)
                {
                    throw BadRequestStatus.Create(
                        "Invalid plan: " + string.Join("; ", planViolations),
                        planViolations.Select(v => ("plan." + v.Field, v.Description)));
                }

                return new RunInput("", "", PlanJson.FromProto(request.Plan), settings, budget, startedAt);
            default:
                throw BadRequestStatus.Create("goal", "StartRunRequest needs a goal (non-empty text) or a plan.");
        }
    }

    /// <summary>The run's tool calls as an audit trail (<see cref="ToolCallAuditTrail"/>), read from its durable events.</summary>
    public override async Task<ListToolCallsResponse> ListToolCalls(ListToolCallsRequest request, ServerCallContext context)
    {
        await GetRunRecordAsync(request.RunId, context).ConfigureAwait(false);
        using var call = state.ReadRunEvents(new ReadRunEventsRequest { RunId = request.RunId, Follow = false }, cancellationToken: context.CancellationToken);
        var events = new List<RunEvent>();
        await foreach (var runEvent in call.ResponseStream.ReadAllAsync(context.CancellationToken).ConfigureAwait(false))
        {
            events.Add(runEvent);
        }

        return new ListToolCallsResponse { ToolCalls = { ToolCallAuditTrail.Build(events) } };
    }

    private async Task<RunRecord> GetRunRecordAsync(string runId, ServerCallContext context)
    {
        if (string.IsNullOrEmpty(runId))
        {
            throw BadRequestStatus.Create("run_id", "run_id is required.");
        }

        if (!RunIdPattern().IsMatch(runId))
        {
            throw BadRequestStatus.Create("run_id", $"run_id \"{Shorten(runId)}\" is not a run id: run ids are 1-64 letters, digits, '-' or '_'.");
        }

        return await state.GetRunAsync(new GetRunRecordRequest { RunId = runId }, cancellationToken: context.CancellationToken).ConfigureAwait(false);
    }

    /// <summary>At most 80 characters of <paramref name="text"/>, so an error never echoes a huge input.</summary>
    private static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "...";

    /// <summary>A run id that sorts by creation time: <c>run_yyyyMMddHHmmss_xxxxxxxx</c>.</summary>
    private string NewRunId()
        => $"run_{time.GetUtcNow():yyyyMMddHHmmss}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex RunIdPattern();
}
