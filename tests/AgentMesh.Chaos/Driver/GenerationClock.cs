namespace AgentMesh.Chaos.Driver;

/// <summary>
/// When each host generation became ready (listening, and answering the driver): traffic planned for
/// "offset after host g is ready" waits for that moment (and is simply late when host g is gone by then).
/// </summary>
internal sealed class GenerationClock
{
    private readonly TaskCompletionSource<DateTimeOffset>[] _ready;

    /// <summary>A clock for generations 1..<paramref name="generations"/>.</summary>
    public GenerationClock(int generations) =>
        _ready = Enumerable.Range(0, generations).Select(_ => new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();

    /// <summary>Host <paramref name="generation"/> is ready now.</summary>
    public void MarkReady(int generation) => _ready[generation - 1].TrySetResult(DateTimeOffset.UtcNow);

    /// <summary>Waits until <paramref name="offset"/> after host <paramref name="generation"/> became ready.</summary>
    public async Task WaitUntilAsync(int generation, TimeSpan offset, CancellationToken cancellationToken)
    {
        var readyAt = await _ready[generation - 1].Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        var wait = readyAt + offset - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
    }
}
