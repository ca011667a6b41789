using AgentMesh.Workflow;

namespace AgentMesh.Tests.Workflow;

internal static class TestWorkflows
{
    public static void RegisterAll(WorkflowRuntimeOptions options) => options
        .RegisterWorkflow<SequenceWorkflow>().RegisterWorkflow<FanOutWorkflow>().RegisterWorkflow<RetryWorkflow>()
        .RegisterWorkflow<FailingWorkflow>().RegisterWorkflow<ApprovalWorkflow>().RegisterWorkflow<TimerWorkflow>()
        .RegisterWorkflow<StatusWorkflow>().RegisterWorkflow<CounterWorkflow>().RegisterWorkflow<ParentWorkflow>()
        .RegisterWorkflow<RestartWorkflow>().RegisterWorkflow<SwitchingWorkflow>().RegisterWorkflow<SequenceWorkflow>("renamed-sequence")
        .RegisterActivity<Greet>().RegisterActivity<Shout>().RegisterActivity<RendezvousSquare>().RegisterActivity<Flaky>()
        .RegisterActivity<AlwaysFails>().RegisterActivity<CountedA>().RegisterActivity<BlockingB>();
}

internal sealed class SequenceWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string input)
    {
        var greeting = await context.CallActivityAsync<string>(nameof(Greet), input);
        return await context.CallActivityAsync<string>(nameof(Shout), greeting);
    }
}

internal sealed class FanOutWorkflow : Workflow<int, int>
{
    public override async Task<int> RunAsync(WorkflowContext context, int parties)
    {
        var tasks = Enumerable.Range(1, parties)
            .Select(i => context.CallActivityAsync<int>(nameof(RendezvousSquare), new RendezvousInput(context.InstanceId, i, parties)))
            .ToList();
        var squares = await Task.WhenAll(tasks);
        return squares.Sum();
    }
}

internal sealed class RetryWorkflow : Workflow<string, string>
{
    public override Task<string> RunAsync(WorkflowContext context, string key) =>
        context.CallActivityAsync<string>(nameof(Flaky), key,
            new WorkflowTaskOptions(new WorkflowRetryPolicy(maxNumberOfAttempts: 3, firstRetryInterval: TimeSpan.FromMilliseconds(200), backoffCoefficient: 2)));
}

internal sealed record FailingInput(bool Catch);

internal sealed class FailingWorkflow : Workflow<FailingInput, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, FailingInput input)
    {
        try
        {
            return await context.CallActivityAsync<string>(nameof(AlwaysFails), "x");
        }
        catch (WorkflowTaskFailedException ex) when (input.Catch)
        {
            return $"{ex.FailureDetails.ErrorType}|{ex.FailureDetails.ErrorMessage}|{ex.FailureDetails.IsCausedBy<ArgumentException>()}";
        }
    }
}

internal sealed class ApprovalWorkflow : Workflow<double, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, double timeoutSeconds)
    {
        try
        {
            var decision = await context.WaitForExternalEventAsync<string>("approval", TimeSpan.FromSeconds(timeoutSeconds));
            return $"approved by {decision}";
        }
        catch (TaskCanceledException)
        {
            return "timed out";
        }
    }
}

internal sealed class TimerWorkflow : Workflow<double, double>
{
    public override async Task<double> RunAsync(WorkflowContext context, double seconds)
    {
        var before = context.CurrentUtcDateTime;
        await context.CreateTimer(TimeSpan.FromSeconds(seconds));
        return (context.CurrentUtcDateTime - before).TotalSeconds;
    }
}

internal sealed record Progress(string Step, Guid Id);

internal sealed class StatusWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string input)
    {
        context.SetCustomStatus(new Progress("waiting", context.NewGuid()));
        var go = await context.WaitForExternalEventAsync<string>("go");
        context.SetCustomStatus(new Progress("done", context.NewGuid()));
        return $"{input}:{go}";
    }
}

internal sealed class CounterWorkflow : Workflow<int, int>
{
    public override async Task<int> RunAsync(WorkflowContext context, int count)
    {
        await context.CallActivityAsync<string>(nameof(Shout), $"round {count}");
        if (count < 3)
            context.ContinueAsNew(count + 1);
        return count;
    }
}

internal sealed class ParentWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string input)
    {
        var child = await context.CallChildWorkflowAsync<string>(nameof(SequenceWorkflow), input);
        return $"child said {child}";
    }
}

internal sealed class RestartWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string key)
    {
        var a = await context.CallActivityAsync<string>(nameof(CountedA), key);
        var b = await context.CallActivityAsync<string>(nameof(BlockingB), key);
        return a + b;
    }
}

/// <summary>Picks its activity from a static switch: flipping the switch between episodes breaks determinism on purpose.</summary>
internal sealed class SwitchingWorkflow : Workflow<string, string>
{
    public static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> ActivityByKey = new();

    public override async Task<string> RunAsync(WorkflowContext context, string key)
    {
        var first = await context.CallActivityAsync<string>(ActivityByKey[key], "one");
        var go = await context.WaitForExternalEventAsync<string>("go");
        return first + go;
    }
}
