using AgentMesh.Clients;
using AgentMesh.Contracts.V1;

namespace AgentMesh.Services.Orchestrator.RunWorkflow;

/// <summary>Appends events to a run's log in State (which assigns sequence numbers and times).</summary>
public sealed class RunEventWriter(MeshChannels mesh)
{
    public async Task AppendAsync(string runId, RunEvent runEvent, CancellationToken cancellationToken = default)
        => await mesh.State.AppendRunEventsAsync(
            new AppendRunEventsRequest { RunId = runId, Events = { runEvent } }, new(CancellationToken: cancellationToken)).ConfigureAwait(false);
}
