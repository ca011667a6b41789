using AgentMesh.Contracts.V1;

namespace AgentMesh.Services.Orchestrator.RunWorkflow;

/// <summary>Appends events to a run's log in State (which assigns sequence numbers and times).</summary>
public sealed class RunEventWriter(State.StateClient state)
{
    /// <summary>Appends <paramref name="runEvent"/>; throws <see cref="Grpc.Core.RpcException"/> when State refuses it.</summary>
    public Task AppendAsync(string runId, RunEvent runEvent, CancellationToken cancellationToken = default)
        => AppendAsync(runId, [runEvent], cancellationToken);

    /// <summary>Appends <paramref name="runEvents"/> in order, in one call (one durable write); throws <see cref="Grpc.Core.RpcException"/> when State refuses them.</summary>
    public async Task AppendAsync(string runId, IReadOnlyList<RunEvent> runEvents, CancellationToken cancellationToken = default)
        => await state.AppendRunEventsAsync(
            new AppendRunEventsRequest { RunId = runId, Events = { runEvents } }, cancellationToken: cancellationToken).ConfigureAwait(false);
}
