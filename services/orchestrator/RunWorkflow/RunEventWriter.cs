using AgentMesh.Clients;
using AgentMesh.Contracts.V1;

namespace AgentMesh.Services.Orchestrator.RunWorkflow;

/// <summary>Appends events to a run's log in State (which assigns sequence numbers and times).</summary>
public sealed class RunEventWriter(MeshChannels mesh)
{
    public async Task AppendAsync(string runId, IEnumerable<RunEvent> events, CancellationToken cancellationToken = default)
    {
        var request = new AppendRunEventsRequest { RunId = runId };
        request.Events.AddRange(events);
        if (request.Events.Count > 0)
        {
            await mesh.State.AppendRunEventsAsync(request, new(CancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    public Task AppendAsync(string runId, RunEvent runEvent, CancellationToken cancellationToken = default)
        => AppendAsync(runId, [runEvent], cancellationToken);
}
