using AgentMesh.Contracts.V1;
using AgentMesh.Services.Orchestrator.Streaming;

namespace AgentMesh.Tests.Orchestrator;

public sealed class RunDeltaHubTests
{
    private static ModelDelta Delta(int i) => new() { StepId = "a", Turn = 1, Text = $"t{i}" };

    [Fact]
    public async Task A_watcher_that_reads_too_slowly_loses_the_oldest_deltas_and_is_told_how_many()
    {
        var hub = new RunDeltaHub();
        using var slow = hub.Subscribe("run-1");
        var extra = 44;
        for (var i = 0; i < RunDeltaHub.Capacity + extra; i++)
            hub.Publish("run-1", Delta(i));

        var first = await slow.ReadAsync(CancellationToken.None);
        Assert.Equal(($"t{extra}", (long)extra), (first.Text, first.DroppedBefore));
        var second = await slow.ReadAsync(CancellationToken.None);
        Assert.Equal(($"t{extra + 1}", 0L), (second.Text, second.DroppedBefore));
    }

    [Fact]
    public async Task Deltas_go_only_to_the_runs_current_watchers()
    {
        var hub = new RunDeltaHub();
        hub.Publish("run-1", Delta(0)); // nobody watches yet: dropped
        using var watcher = hub.Subscribe("run-1");
        var other = hub.Subscribe("run-2");
        other.Dispose();
        hub.Publish("run-2", Delta(1));
        hub.Publish("run-1", Delta(2));

        Assert.Equal("t2", (await watcher.ReadAsync(CancellationToken.None)).Text);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watcher.ReadAsync(timeout.Token).AsTask());
    }
}
