using Microsoft.Agents.AI;
using Microsoft.Agents.AI.Workflows;
using Microsoft.Agents.AI.Workflows.InProc;
using Microsoft.Extensions.AI;

namespace AgentMesh.Bench.Maf;

/// <summary>
/// The plan as one Agent Framework workflow: a start executor fans the goal out to A and B (one
/// super-step, run in parallel), a fan-in barrier edge gives both outputs to C, and C's output goes to
/// D. Each step is a <see cref="ChatClientAgent"/> over the scripted model with the MCP tools; its
/// executor is made per run, so one <see cref="Workflow"/> serves concurrent runs.
/// </summary>
internal sealed class PlanWorkflow
{
    private const string Goal = "Summarise the notes.";
    private static readonly string[] Steps = ["A", "B", "C", "D"];

    private readonly Workload _workload;
    private readonly Workflow _workflow;

    public PlanWorkflow(Workload workload, IChatClient model, IList<AITool> tools)
    {
        _workload = workload;
        Dictionary<string, ExecutorBinding> step = Steps.ToDictionary(id => id, id =>
        {
            var agent = new ChatClientAgent(model, instructions: "You are a researcher.", name: $"researcher-{id}", tools: tools);
            int inputs = id == "C" ? 2 : 1;
            Func<string, string, ValueTask<AgentStepExecutor>> factory = (_, _) =>
                ValueTask.FromResult(new AgentStepExecutor(id, inputs, agent, workload.NotesText));
            return factory.BindExecutor(id);
        });
        ExecutorBinding start = ((Func<string, string>)(goal => goal)).BindAsExecutor("start", threadsafe: true);

        _workflow = new WorkflowBuilder(start)
            .AddFanOutEdge(start, [step["A"], step["B"]])
            .AddFanInBarrierEdge([step["A"], step["B"]], step["C"])
            .AddEdge(step["C"], step["D"])
            .WithOutputFrom(step.Values.ToArray())
            .Build();
    }

    /// <summary>
    /// Runs the plan once to its end with checkpointing into <paramref name="checkpoints"/> (one
    /// checkpoint per super-step) and throws unless every step answered ANSWER and the 12 tool calls
    /// returned the notes' text.
    /// </summary>
    public async Task RunOnceAsync(CheckpointManager checkpoints, CancellationToken cancellationToken)
    {
        InProcessExecutionEnvironment env = InProcessExecution.Concurrent.WithCheckpointing(checkpoints);
        await using Run run = await env.RunAsync(_workflow, Goal, cancellationToken: cancellationToken);

        var results = new List<StepResult>();
        foreach (WorkflowEvent evt in run.OutgoingEvents)
        {
            switch (evt)
            {
                case WorkflowErrorEvent error:
                    throw new InvalidOperationException($"workflow error: {error.Data}");
                case ExecutorFailedEvent failed:
                    throw new InvalidOperationException($"step {failed.ExecutorId} failed: {failed.Data}");
                case WorkflowOutputEvent { Data: StepResult result }:
                    results.Add(result);
                    break;
            }
        }
        RunStatus status = await run.GetStatusAsync(cancellationToken);
        if (status != RunStatus.Idle && status != RunStatus.Ended)
            throw new InvalidOperationException($"run {run.SessionId} stopped in status {status}");
        string steps = string.Join(",", results.Select(r => r.Step).Order());
        if (steps != "A,B,C,D")
            throw new InvalidOperationException($"run {run.SessionId}: steps that finished: [{steps}]");
        if (results.FirstOrDefault(r => r.Output != _workload.Answer) is { } wrong)
            throw new InvalidOperationException($"run {run.SessionId}: step {wrong.Step} answered \"{wrong.Output}\"");
        int toolCalls = results.Sum(r => r.ToolResultsWithNotes);
        if (toolCalls != 12)
            throw new InvalidOperationException($"run {run.SessionId}: {toolCalls} tool calls returned the notes, not 12");
    }
}
