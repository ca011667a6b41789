using AgentMesh.Clients;
using AgentMesh.Contracts.V1;
using Grpc.Core;
using OrchestratorContract = AgentMesh.Contracts.V1.Orchestrator;

namespace AgentMesh.Tests.EndToEnd;

/// <summary>Watches a run over gRPC, collecting its events and answering approvals with a given policy.</summary>
internal static class RunObserver
{
    public static async Task<List<RunEvent>> WatchAsync(
        OrchestratorContract.OrchestratorClient client, string runId, Func<ApprovalRequest, bool?>? decide = null, long afterSequence = 0, Func<RunEvent, bool>? stopWhen = null)
    {
        var events = new List<RunEvent>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        using var call = client.WatchRun(new WatchRunRequest { RunId = runId, AfterSequence = afterSequence }, cancellationToken: timeout.Token);
        await foreach (var e in call.ResponseStream.ReadAllAsync(timeout.Token))
        {
            events.Add(e);
            if (e.ApprovalRequested is { } request && decide?.Invoke(request) is { } approve)
            {
                await client.SubmitApprovalAsync(new SubmitApprovalRequest { ApprovalId = request.ApprovalId, Approve = approve, Reason = approve ? "looks right" : "not today" });
            }

            if (stopWhen?.Invoke(e) == true)
            {
                break;
            }
        }

        return events;
    }

    public static RunStatus? FinalStatus(IEnumerable<RunEvent> events)
        => events.LastOrDefault(e => e.StatusChanged is not null)?.StatusChanged.Status;
}
