using System.Collections.Concurrent;
using AgentMesh.Workflow;

namespace AgentMesh.Tests.Workflow;

/// <summary>Counts activity executions per key. Static, so counts survive a host restart; injected through DI.</summary>
internal sealed class ActivityLog
{
    private static readonly ConcurrentDictionary<string, int> Counts = new();

    public int Increment(string key) => Counts.AddOrUpdate(key, 1, (_, n) => n + 1);

    public static int Count(string key) => Counts.GetValueOrDefault(key);
}

internal sealed class Greet(ActivityLog log) : WorkflowActivity<string, string>
{
    public override Task<string> RunAsync(WorkflowActivityContext context, string input)
    {
        log.Increment($"{context.InstanceId}:{context.Name}");
        return Task.FromResult($"Hello, {input}");
    }
}

internal sealed class Shout : WorkflowActivity<string, string>
{
    public override Task<string> RunAsync(WorkflowActivityContext context, string input) => Task.FromResult(input.ToUpperInvariant() + "!");
}

internal sealed record RendezvousInput(string Key, int Value, int Parties);

/// <summary>Squares its value, but only once all parties run at the same time (proves parallel execution).</summary>
internal sealed class RendezvousSquare : WorkflowActivity<RendezvousInput, int>
{
    private static readonly ConcurrentDictionary<string, int> Arrived = new();

    public override async Task<int> RunAsync(WorkflowActivityContext context, RendezvousInput input)
    {
        Arrived.AddOrUpdate(input.Key, 1, (_, n) => n + 1);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Arrived[input.Key] < input.Parties)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Only {Arrived[input.Key]} of {input.Parties} activities ran concurrently.");
            await Task.Delay(20, context.CancellationToken);
        }
        return input.Value * input.Value;
    }
}

/// <summary>Fails the first two times per key, then succeeds.</summary>
internal sealed class Flaky(ActivityLog log) : WorkflowActivity<string, string>
{
    public override Task<string> RunAsync(WorkflowActivityContext context, string key)
    {
        var attempt = log.Increment($"flaky:{key}");
        if (attempt < 3)
            throw new InvalidOperationException($"flaky failure #{attempt}");
        return Task.FromResult($"ok after {attempt}");
    }
}

internal sealed class AlwaysFails : WorkflowActivity<string, string>
{
    public override Task<string> RunAsync(WorkflowActivityContext context, string input) =>
        throw new ArgumentException($"bad input: {input}");
}

/// <summary>Counts its runs per key (step A of the restart scenario).</summary>
internal sealed class CountedA(ActivityLog log) : WorkflowActivity<string, string>
{
    public override Task<string> RunAsync(WorkflowActivityContext context, string key)
    {
        log.Increment($"A:{key}");
        return Task.FromResult("A");
    }
}

/// <summary>
/// Step B of the restart scenario: the first run announces itself and then hangs, ignoring
/// cancellation (as a process that dies mid-activity); later runs complete at once.
/// </summary>
internal sealed class BlockingB(ActivityLog log) : WorkflowActivity<string, string>
{
    public static readonly ConcurrentDictionary<string, TaskCompletionSource> FirstRunStarted = new();
    public static readonly ConcurrentDictionary<string, TaskCompletionSource> ReleaseFirstRun = new();

    public override async Task<string> RunAsync(WorkflowActivityContext context, string key)
    {
        var attempt = log.Increment($"B:{key}");
        if (attempt == 1)
        {
            FirstRunStarted.GetOrAdd(key, _ => new()).TrySetResult();
            await ReleaseFirstRun.GetOrAdd(key, _ => new()).Task;
            log.Increment($"B-first-run-finished:{key}");
        }
        return "B";
    }
}
