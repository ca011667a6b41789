using AgentMesh.Contracts.V1;

namespace AgentMesh.Services.Orchestrator.RunWorkflow;

/// <summary>
/// Appends a step's events to the run's log in the order they were added, without making the step wait
/// for each: one append is in flight at a time, and the events added meanwhile go together in the next
/// (one State call, one durable write). <see cref="FlushAsync"/> completes once every event added so far
/// is durable, and throws what a failed append threw. Its appends start after <paramref name="after"/> (a write of
/// the run's log begun before it), when given.
/// </summary>
public sealed class RunEventBatcher(RunEventWriter writer, string runId, CancellationToken cancellationToken, Task? after = null)
{
    private readonly Lock _gate = new();
    private List<RunEvent> _pending = [];
    private Task _appends = after ?? Task.CompletedTask;
    private bool _appending;

    /// <summary>
    /// Queues <paramref name="runEvent"/> after those added before it. With <paramref name="holdForNext"/> the
    /// event waits for the next <see cref="Add"/> or <see cref="FlushAsync"/> instead of starting an append
    /// (for an event that is always followed at once, e.g. a step's final model turn by its result).
    /// </summary>
    public void Add(RunEvent runEvent, bool holdForNext = false)
    {
        lock (_gate)
        {
            _pending.Add(runEvent);
            if (!holdForNext)
                StartIfIdle();
        }
    }

    /// <summary>Completes when every event added so far has been appended.</summary>
    public Task FlushAsync()
    {
        lock (_gate)
        {
            StartIfIdle();
            return _appends;
        }
    }

    private void StartIfIdle()
    {
        if (_appending || _pending.Count == 0)
            return;
        _appending = true;
        _appends = AppendAsync(_appends);
    }

    private async Task AppendAsync(Task previous)
    {
        try
        {
            await previous.ConfigureAwait(false);
            while (true)
            {
                List<RunEvent> batch;
                lock (_gate)
                {
                    if (_pending.Count == 0)
                    {
                        _appending = false;
                        return;
                    }
                    batch = _pending;
                    _pending = [];
                }
                await writer.AppendAsync(runId, batch, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            lock (_gate)
                _appending = false;
            throw;
        }
    }
}
