using System.Security.Cryptography;
using System.Text.RegularExpressions;
using AgentMesh.Clients;
using AgentMesh.Contracts.V1;
using AgentMesh.Grpc;
using AgentMesh.Planning;
using AgentMesh.Services.Orchestrator.RunWorkflow;
using AgentMesh.Workflow;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;

namespace AgentMesh.Services.Orchestrator.Api;

/// <summary>agentmesh.v1.Orchestrator: starts runs as durable workflows, and reads, watches, cancels and approves them.</summary>
public sealed partial class OrchestratorService(MeshChannels mesh, WorkflowClient workflows, IOptions<OrchestratorOptions> options, TimeProvider time)
{
    public async Task<StartRunResponse> StartRun(StartRunRequest request, ServerCallContext context)
    {
        var input = ValidateInput(request);
        var runId = request.RunId.Length > 0 ? request.RunId : NewRunId();
        var now = Timestamp.FromDateTimeOffset(time.GetUtcNow());
        var run = new Run { RunId = runId, Status = RunStatus.Pending, Goal = input.Goal, CreatedAt = now, UpdatedAt = now, Usage = new TokenUsage() };
        if (input.Plan is not null)
        {
            run.Plan = PlanJson.ToProto(input.Plan);
        }

        run.Labels.Add(request.Labels);
        var call = context.ToDownstreamOptions();
        await mesh.State.SaveRunAsync(new SaveRunRequest
        {
            Run = run,
            CreateOnly = true,
            Events = { new RunEvent { StatusChanged = new RunStatusChanged { Status = RunStatus.Pending } } },
        }, call).ConfigureAwait(false);
        await workflows.ScheduleNewWorkflowAsync(nameof(RunWorkflow.RunWorkflow), runId, input with { RunId = runId }, cancellationToken: context.CancellationToken).ConfigureAwait(false);
        return new StartRunResponse { RunId = runId };
    }

    public async Task WatchRun(WatchRunRequest request, IServerStreamWriter<RunEvent> responseStream, ServerCallContext context)
    {
        await GetRunRecordAsync(request.RunId, context).ConfigureAwait(false);
        using var call = mesh.State.ReadRunEvents(
            new ReadRunEventsRequest { RunId = request.RunId, AfterSequence = request.AfterSequence, Follow = true }, context.ToDownstreamOptions());
        await foreach (var runEvent in call.ResponseStream.ReadAllAsync(context.CancellationToken).ConfigureAwait(false))
        {
            await responseStream.WriteAsync(runEvent, context.CancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<Run> GetRun(GetRunRequest request, ServerCallContext context)
        => (await GetRunRecordAsync(request.RunId, context).ConfigureAwait(false)).Run;

    public async Task<ListRunsResponse> ListRuns(ListRunsRequest request, ServerCallContext context)
    {
        if (request.PageSize is < 0 or > 500)
        {
            throw new RpcException(StatusCode.InvalidArgument, $"page_size must be 0..500 (0 means 50), not {request.PageSize}.");
        }

        var page = await mesh.State.ListRunsAsync(new ListRunRecordsRequest
        {
            Statuses = { request.Statuses }, PageSize = request.PageSize, PageToken = request.PageToken,
        }, context.ToDownstreamOptions()).ConfigureAwait(false);
        var response = new ListRunsResponse { NextPageToken = page.NextPageToken };
        response.Runs.AddRange(page.Runs.Select(r => r.Run));
        return response;
    }

    public async Task<Run> CancelRun(CancelRunRequest request, ServerCallContext context)
    {
        var call = context.ToDownstreamOptions();
        while (true)
        {
            var record = await GetRunRecordAsync(request.RunId, context).ConfigureAwait(false);
            var run = record.Run;
            if (RunStatuses.IsTerminal(run.Status))
            {
                throw new RpcException(StatusCode.FailedPrecondition, $"Run \"{run.RunId}\" is already {run.Status}; only a run that has not ended can be cancelled.");
            }

            await workflows.TerminateWorkflowAsync(run.RunId, cancellationToken: context.CancellationToken).ConfigureAwait(false);
            var reason = string.IsNullOrWhiteSpace(request.Reason) ? "cancelled by a caller" : request.Reason;
            run.Status = RunStatus.Cancelled;
            run.Error = reason;
            run.PendingApprovals.Clear();
            run.UpdatedAt = Timestamp.FromDateTimeOffset(time.GetUtcNow());
            try
            {
                await mesh.State.SaveRunAsync(new SaveRunRequest
                {
                    Run = run,
                    Etag = record.Etag,
                    Events = { new RunEvent { StatusChanged = new RunStatusChanged { Status = RunStatus.Cancelled, Reason = reason, Usage = run.Usage } } },
                }, call).ConfigureAwait(false);
                return run;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Aborted)
            {
                // The workflow wrote the record meanwhile; read it again.
            }
        }
    }

    public async Task<SubmitApprovalResponse> SubmitApproval(SubmitApprovalRequest request, ServerCallContext context)
    {
        if (string.IsNullOrEmpty(request.ApprovalId))
        {
            throw new RpcException(StatusCode.InvalidArgument, "approval_id is required (it is in the run's approval_requested event).");
        }

        var page = await mesh.State.ListRunsAsync(new ListRunRecordsRequest { Statuses = { RunStatus.AwaitingApproval, RunStatus.Running }, PageSize = 500 }, context.ToDownstreamOptions()).ConfigureAwait(false);
        var run = page.Runs.Select(r => r.Run).FirstOrDefault(r => r.PendingApprovals.Any(a => a.ApprovalId == request.ApprovalId))
            ?? throw new RpcException(StatusCode.NotFound, $"No run waits for approval \"{request.ApprovalId}\" (unknown id, or already decided).");
        var decision = new Decision(request.ApprovalId, request.Approve, request.Reason, time.GetUtcNow().UtcDateTime);
        await workflows.RaiseEventAsync(run.RunId, RunWorkflow.RunWorkflow.ApprovalEventName(request.ApprovalId), decision, context.CancellationToken).ConfigureAwait(false);
        return new SubmitApprovalResponse
        {
            RunId = run.RunId,
            Decision = decision.ToProto(),
        };
    }

    private RunInput ValidateInput(StartRunRequest request)
    {
        if (request.RunId.Length > 0 && !RunIdPattern().IsMatch(request.RunId))
        {
            throw new RpcException(StatusCode.InvalidArgument, $"run_id \"{request.RunId}\" must be 1-64 letters, digits, '-' or '_'.");
        }

        switch (request.InputCase)
        {
            case StartRunRequest.InputOneofCase.Goal when !string.IsNullOrWhiteSpace(request.Goal):
                return new RunInput("", request.Goal.Trim(), null);
            case StartRunRequest.InputOneofCase.Plan:
                var errors = new PlanValidator(options.Value.KnownRoles).Validate(request.Plan);
                if (errors.Count > 0)
                {
                    throw new RpcException(StatusCode.InvalidArgument, "Invalid plan: " + string.Join("; ", errors));
                }

                return new RunInput("", "", PlanJson.FromProto(request.Plan));
            default:
                throw new RpcException(StatusCode.InvalidArgument, "StartRunRequest needs a goal (non-empty text) or a plan.");
        }
    }

    private async Task<RunRecord> GetRunRecordAsync(string runId, ServerCallContext context)
    {
        if (string.IsNullOrEmpty(runId))
        {
            throw new RpcException(StatusCode.InvalidArgument, "run_id is required.");
        }

        return await mesh.State.GetRunAsync(new GetRunRecordRequest { RunId = runId }, context.ToDownstreamOptions()).ConfigureAwait(false);
    }

    /// <summary>A run id that sorts by creation time: <c>run_yyyyMMddHHmmss_xxxxxxxx</c>.</summary>
    private string NewRunId()
        => $"run_{time.GetUtcNow():yyyyMMddHHmmss}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex RunIdPattern();
}
