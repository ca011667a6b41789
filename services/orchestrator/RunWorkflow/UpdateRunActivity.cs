using AgentMesh.Clients;
using AgentMesh.Contracts.V1;
using Grpc.Core;
using AgentMesh.Planning;
using AgentMesh.Services.Orchestrator.Budgets;
using AgentMesh.Telemetry;
using Dapr.Workflow;
using Google.Protobuf.WellKnownTypes;

namespace AgentMesh.Services.Orchestrator.RunWorkflow;

/// <summary>
/// Applies a <see cref="RunUpdate"/> to the run record and appends the matching events in the
/// same State transaction (optimistic concurrency, retried on conflict). Idempotent: re-run after
/// a crash, it finds the change applied and writes no event twice. A terminal run is never changed.
/// </summary>
public sealed class UpdateRunActivity(State.StateClient state) : WorkflowActivity<RunUpdate, bool>
{
    public override async Task<bool> RunAsync(WorkflowActivityContext context, RunUpdate update)
    {
        var token = context.CancellationToken;
        for (var attempt = 0; ; attempt++)
        {
            var record = await state.GetRunAsync(new GetRunRecordRequest { RunId = update.RunId }, cancellationToken: token).ConfigureAwait(false);
            var run = record.Run;
            if (RunStatuses.IsTerminal(run.Status))
            {
                return false;
            }

            var pendingBefore = run.PendingApprovals.Count;
            var newEvents = Apply(run, update);
            try
            {
                await state.SaveRunAsync(new SaveRunRequest { Run = run, Etag = record.Etag, Events = { newEvents } }, cancellationToken: token).ConfigureAwait(false);
                MeshMetrics.ApprovalsPending(run.PendingApprovals.Count - pendingBefore);
                foreach (var ended in newEvents.Select(e => e.StatusChanged).Where(s => s is not null && RunStatuses.IsTerminal(s.Status)))
                {
                    MeshMetrics.RunEnded(ended.Status.ToString().ToLowerInvariant(), ended.FailureClass);
                }

                return true;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Aborted && attempt < 20)
            {
                // Another writer (a parallel step) updated the record first: re-read and re-apply.
            }
        }
    }

    /// <summary>Changes <paramref name="run"/> in place and returns the events that describe the change.</summary>
    private static List<RunEvent> Apply(Run run, RunUpdate update)
    {
        var result = new List<RunEvent>();
        if (update.Plan is not null)
        {
            run.Plan = PlanJson.ToProto(update.Plan);
            if (run.PlanVersions.Count < update.PlanVersion)
            {
                run.PlanVersions.Add(run.Plan);
            }
        }

        if (update.Usage is not null)
        {
            run.Usage = UsageTotals.Larger(run.Usage, update.Usage.ToProto());
        }

        if (update.Output is not null)
        {
            run.Output = update.Output;
        }

        if (update.Reason is not null)
        {
            run.Error = update.Reason;
        }

        if (update.FailureClass is not null)
        {
            run.FailureClass = update.FailureClass;
        }

        if (update.Review is { } review)
        {
            result.Add(new RunEvent { ReviewRound = review.ToProto() });
        }

        if (update.BudgetExceeded is { } overrun)
        {
            result.Add(new RunEvent { BudgetExceeded = overrun.ToProto() });
        }

        var status = update.Status;
        foreach (var approval in update.AddApprovals ?? [])
        {
            if (run.PendingApprovals.All(a => a.ApprovalId != approval.ApprovalId))
            {
                var request = approval.ToProto();
                run.PendingApprovals.Add(request);
                result.Add(new RunEvent { ApprovalRequested = request });
            }

            status = RunStatus.AwaitingApproval;
        }

        foreach (var decision in update.ResolveApprovals ?? [])
        {
            var pending = run.PendingApprovals.FirstOrDefault(a => a.ApprovalId == decision.ApprovalId);
            if (pending is null)
            {
                continue; // already resolved by an earlier execution of this update
            }

            run.PendingApprovals.Remove(pending);
            result.Add(new RunEvent { ApprovalResolved = decision.ToProto() });
            status = run.PendingApprovals.Count > 0 ? RunStatus.AwaitingApproval : RunStatus.Running;
        }

        if (status is { } newStatus && newStatus != run.Status)
        {
            run.Status = newStatus;
            if (RunStatuses.IsTerminal(newStatus))
            {
                // A run that ended waits for nothing.
                run.PendingApprovals.Clear();
            }

            result.Add(new RunEvent
            {
                StatusChanged = new RunStatusChanged
                {
                    Status = newStatus, Reason = update.Reason ?? "", Output = update.Output ?? "", Usage = run.Usage, FailureClass = update.FailureClass ?? "",
                },
            });
        }

        run.UpdatedAt = Timestamp.FromDateTime(DateTime.UtcNow);
        return result;
    }

}
