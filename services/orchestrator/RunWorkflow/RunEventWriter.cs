using AgentMesh.Clients;
using AgentMesh.Contracts.V1;
using AgentMesh.Services.Orchestrator.Budgets;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace AgentMesh.Services.Orchestrator.RunWorkflow;

/// <summary>Appends events to a run's log in State (which assigns sequence numbers and times).</summary>
public sealed class RunEventWriter(State.StateClient state)
{
    /// <summary>Appends <paramref name="runEvent"/>; throws <see cref="RpcException"/> when State refuses it.</summary>
    public Task AppendAsync(string runId, RunEvent runEvent, CancellationToken cancellationToken = default)
        => AppendAsync(runId, [runEvent], cancellationToken);

    /// <summary>Appends <paramref name="runEvents"/> in order, in one call (one durable write); throws <see cref="RpcException"/> when State refuses them.</summary>
    public async Task AppendAsync(string runId, IReadOnlyList<RunEvent> runEvents, CancellationToken cancellationToken = default)
        => await state.AppendRunEventsAsync(
            new AppendRunEventsRequest { RunId = runId, Events = { runEvents } }, cancellationToken: cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Appends <paramref name="runEvents"/> and, in the same durable write, raises the run record's usage to
    /// <paramref name="usage"/> where it is larger (so GetRun shows the usage of the steps finished so far without a
    /// write of its own). A run that ended, or whose record already shows as much, gets a plain append.
    /// </summary>
    public async Task AppendWithUsageAsync(string runId, IReadOnlyList<RunEvent> runEvents, Usage usage, CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; ; attempt++)
        {
            var record = await state.GetRunAsync(new GetRunRecordRequest { RunId = runId }, cancellationToken: cancellationToken).ConfigureAwait(false);
            var run = record.Run;
            var raised = UsageTotals.Larger(run.Usage, usage);
            if (RunStatuses.IsTerminal(run.Status) || raised.Equals(run.Usage) || attempt >= 20)
            {
                await AppendAsync(runId, runEvents, cancellationToken).ConfigureAwait(false);
                return;
            }

            run.Usage = raised;
            run.UpdatedAt = Timestamp.FromDateTime(DateTime.UtcNow);
            try
            {
                await state.SaveRunAsync(new SaveRunRequest { Run = run, Etag = record.Etag, Events = { runEvents } }, cancellationToken: cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Aborted)
            {
                // Another writer changed the record first: read it again.
            }
        }
    }
}
