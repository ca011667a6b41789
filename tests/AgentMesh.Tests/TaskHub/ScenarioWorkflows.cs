using Dapr.Workflow;

namespace AgentMesh.Tests.TaskHub;

// Workflows and activities of the SDK conformance scenarios (Dapr.Workflow 1.19.1 programming model).

/// <summary>Appends its name to the input.</summary>
public sealed class Append : WorkflowActivity<string, string>
{
    public override Task<string> RunAsync(WorkflowActivityContext context, string input) => Task.FromResult(input + ">" + context.InstanceId.Split('-')[0]);
}

/// <summary>Squares a number; counts its runs per instance in <see cref="Runs"/>.</summary>
public sealed class Square : WorkflowActivity<int, int>
{
    public static readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> Runs = new();

    public override Task<int> RunAsync(WorkflowActivityContext context, int input)
    {
        Runs.AddOrUpdate(context.InstanceId + "/" + input, 1, (_, n) => n + 1);
        return Task.FromResult(input * input);
    }
}

/// <summary>Fails the first <c>input</c> times per instance, then returns the attempt number.</summary>
public sealed class Flaky : WorkflowActivity<int, int>
{
    public static readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> Attempts = new();

    public override Task<int> RunAsync(WorkflowActivityContext context, int failures)
    {
        var attempt = Attempts.AddOrUpdate(context.InstanceId, 1, (_, n) => n + 1);
        return attempt <= failures ? throw new InvalidOperationException($"attempt {attempt} failed") : Task.FromResult(attempt);
    }
}

/// <summary>Three activities in a row.</summary>
public sealed class ChainWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string input)
    {
        var a = await context.CallActivityAsync<string>(nameof(Append), input);
        var b = await context.CallActivityAsync<string>(nameof(Append), a);
        return await context.CallActivityAsync<string>(nameof(Append), b);
    }
}

/// <summary>Squares 1..n in parallel and sums them.</summary>
public sealed class FanOutWorkflow : Workflow<int, int>
{
    public override async Task<int> RunAsync(WorkflowContext context, int n)
    {
        var squares = await Task.WhenAll(Enumerable.Range(1, n).Select(i => context.CallActivityAsync<int>(nameof(Square), i)));
        return squares.Sum();
    }
}

/// <summary>Waits for the event "go" (at most <c>input</c> seconds); returns its payload or "timeout".</summary>
public sealed class WaitForEventWorkflow : Workflow<int, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, int timeoutSeconds)
    {
        context.SetCustomStatus("waiting");
        try
        {
            return await context.WaitForExternalEventAsync<string>("go", TimeSpan.FromSeconds(timeoutSeconds));
        }
        catch (TaskCanceledException)
        {
            return "timeout";
        }
    }
}

/// <summary>Sleeps on a durable timer of <c>input</c> milliseconds; returns the workflow clock's elapsed milliseconds.</summary>
public sealed class TimerWorkflow : Workflow<int, double>
{
    public override async Task<double> RunAsync(WorkflowContext context, int milliseconds)
    {
        var start = context.CurrentUtcDateTime;
        await context.CreateTimer(TimeSpan.FromMilliseconds(milliseconds), CancellationToken.None);
        return (context.CurrentUtcDateTime - start).TotalMilliseconds;
    }
}

/// <summary>Calls <see cref="Flaky"/> with 3 attempts; returns the attempt that succeeded or the last failure's message.</summary>
public sealed class RetryWorkflow : Workflow<int, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, int failures)
    {
        var retry = new WorkflowTaskOptions(new WorkflowRetryPolicy(3, TimeSpan.FromMilliseconds(50)));
        try
        {
            return "succeeded on attempt " + await context.CallActivityAsync<int>(nameof(Flaky), failures, retry);
        }
        catch (WorkflowTaskFailedException e)
        {
            return "failed: " + e.FailureDetails.ErrorMessage;
        }
    }
}

/// <summary>Runs <see cref="ChainWorkflow"/> (or a failing child when the input is "fail") as a child.</summary>
public sealed class ParentWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string input)
    {
        try
        {
            return "child: " + await context.CallChildWorkflowAsync<string>(input == "fail" ? nameof(FailingWorkflow) : nameof(ChainWorkflow), input);
        }
        catch (WorkflowTaskFailedException e)
        {
            return "child failed: " + e.FailureDetails.ErrorMessage;
        }
    }
}

/// <summary>Always fails.</summary>
public sealed class FailingWorkflow : Workflow<string, string>
{
    public override Task<string> RunAsync(WorkflowContext context, string input) => throw new InvalidOperationException("the child gives up");
}

/// <summary>Counts events "add" until the total reaches 3, continuing as new after each (carrying unprocessed events).</summary>
public sealed class CounterWorkflow : Workflow<int, int>
{
    public override async Task<int> RunAsync(WorkflowContext context, int total)
    {
        var add = await context.WaitForExternalEventAsync<int>("add");
        total += add;
        if (total >= 3)
            return total;
        context.ContinueAsNew(total, preserveUnprocessedEvents: true);
        return total;
    }
}

/// <summary>Waits for "release" forever, with a child that does the same (for terminate and suspend).</summary>
public sealed class ParkedWorkflow : Workflow<bool, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, bool withChild)
    {
        if (withChild)
            _ = context.CallChildWorkflowAsync<string>(nameof(ParkedWorkflow), false, new ChildWorkflowTaskOptions(context.InstanceId + "-child"));
        return await context.WaitForExternalEventAsync<string>("release");
    }
}

/// <summary>A versioned workflow: with the patch "v2" it adds a step; old histories keep the old path.</summary>
public sealed class PatchedWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string input)
    {
        var result = await context.CallActivityAsync<string>(nameof(Append), input);
        if (context.IsPatched("v2"))
            result = await context.CallActivityAsync<string>(nameof(Append), result + "+v2");
        return result;
    }
}

/// <summary>Calls an activity no worker registered; returns the failure the SDK reports.</summary>
public sealed class UnknownActivityWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string input)
    {
        try
        {
            return await context.CallActivityAsync<string>("NoSuchActivity", input);
        }
        catch (WorkflowTaskFailedException e)
        {
            return "failed: " + e.FailureDetails.ErrorMessage;
        }
    }
}
