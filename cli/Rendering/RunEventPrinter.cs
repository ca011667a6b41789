using AgentMesh.Contracts.V1;
using Google.Protobuf;
using Spectre.Console;

namespace AgentMesh.Cli.Rendering;

/// <summary>Prints run events: as readable progress lines (with the models' text as it streams), or as one JSON object per line.</summary>
public sealed class RunEventPrinter(bool json, IAnsiConsole console)
{
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(false));
    private bool _midLine;

    /// <summary>Whether the watch should ask for the models' streamed text (readable output shows it; JSON output keeps to the log).</summary>
    public bool WantsDeltas => !json;

    public void Print(RunEvent e)
    {
        if (json)
        {
            Console.Out.WriteLine(Json.Format(e));
            return;
        }

        if (e.ModelDelta is { } delta)
        {
            if (!_midLine)
            {
                console.Markup($"[grey]  {Markup.Escape(delta.AgentRole)}: [/]");
                _midLine = true;
            }

            console.Markup($"[grey]{Markup.Escape(delta.Text)}[/]");
            return;
        }

        if (_midLine)
        {
            console.WriteLine();
            _midLine = false;
        }

        switch (e.EventCase)
        {
            case RunEvent.EventOneofCase.StatusChanged:
                var status = e.StatusChanged;
                console.MarkupLine($"[bold]● {Status(status.Status)}[/]{(status.Reason.Length > 0 ? " — " + Markup.Escape(status.Reason) : "")}");
                if (status.Status == RunStatus.Completed)
                {
                    console.Write(new Panel(Markup.Escape(status.Output)).Header("output"));
                }

                if (status.Status is RunStatus.Completed or RunStatus.Failed or RunStatus.Cancelled && status.Usage is { } used)
                {
                    console.MarkupLine($"[grey]used: {used.InputTokens} input and {used.OutputTokens} output tokens, {used.ToolCalls} tool call(s), ${used.CostUsd:0.######}[/]");
                }

                break;
            case RunEvent.EventOneofCase.PlanningProgress:
                console.MarkupLine($"[grey]  planner: {Markup.Escape(e.PlanningProgress.Message)}[/]");
                break;
            case RunEvent.EventOneofCase.PlanCreated:
                console.MarkupLine("[bold]Plan[/]");
                foreach (var step in e.PlanCreated.Plan.Steps)
                {
                    var after = step.DependsOn.Count > 0 ? $" (after {string.Join(", ", step.DependsOn)})" : "";
                    console.MarkupLine($"  [blue]{Markup.Escape(step.Id)}[/] [grey]{Markup.Escape(step.AgentRole)}{Markup.Escape(after)}[/]: {Markup.Escape(step.Instruction)}");
                }

                break;
            case RunEvent.EventOneofCase.StepStarted:
                console.MarkupLine($"[blue]▶ {Markup.Escape(e.StepStarted.StepId)}[/] [grey]({Markup.Escape(e.StepStarted.AgentRole)}, attempt {e.StepStarted.Attempt})[/]");
                break;
            case RunEvent.EventOneofCase.ModelTurn:
                var turn = e.ModelTurn;
                console.MarkupLine($"[grey]  {Markup.Escape(turn.AgentRole)} turn {turn.Turn}: {turn.ToolCallCount} tool call(s), {turn.Usage?.InputTokens ?? 0}/{turn.Usage?.OutputTokens ?? 0} tokens[/]");
                break;
            case RunEvent.EventOneofCase.ToolCallStarted:
                var started = e.ToolCallStarted;
                console.MarkupLine($"  [yellow]→ {Markup.Escape(started.Server)}/{Markup.Escape(started.Tool)}[/] [grey]{Markup.Escape(Shorten(started.ArgumentsJson, 120))}[/]");
                break;
            case RunEvent.EventOneofCase.ToolCallCompleted:
                var done = e.ToolCallCompleted;
                var mark = done.IsError ? "[red]✗[/]" : "[green]✓[/]";
                console.MarkupLine($"  {mark} {Markup.Escape(done.Server)}/{Markup.Escape(done.Tool)} [grey]{done.DurationMs} ms: {Markup.Escape(Shorten(done.Result, 100))}[/]");
                break;
            case RunEvent.EventOneofCase.ApprovalRequested:
                var approval = e.ApprovalRequested;
                console.MarkupLine($"[yellow]? approval {Markup.Escape(approval.ApprovalId)}[/]: {Markup.Escape(approval.Server)}/{Markup.Escape(approval.Tool)} [grey]({Markup.Escape(approval.Reason)}) {Markup.Escape(Shorten(approval.ArgumentsJson, 200))}[/]");
                break;
            case RunEvent.EventOneofCase.ApprovalResolved:
                var decision = e.ApprovalResolved;
                console.MarkupLine($"  approval {Markup.Escape(decision.ApprovalId)}: {(decision.Approved ? "[green]approved[/]" : "[red]denied[/]")}");
                break;
            case RunEvent.EventOneofCase.StepCompleted:
                console.MarkupLine($"[green]✔ {Markup.Escape(e.StepCompleted.StepId)}[/] [grey]{e.StepCompleted.Usage?.InputTokens ?? 0}/{e.StepCompleted.Usage?.OutputTokens ?? 0} tokens[/]");
                break;
            case RunEvent.EventOneofCase.BudgetExceeded:
                var budget = e.BudgetExceeded;
                console.MarkupLine($"[red]✘ budget {Markup.Escape(budget.Budget)} used up: {budget.Used:0.######} of {budget.Limit:0.######}[/]");
                break;
            case RunEvent.EventOneofCase.StepFailed:
                console.MarkupLine($"[red]✘ {Markup.Escape(e.StepFailed.StepId)}: {Markup.Escape(e.StepFailed.Error)}[/]");
                break;
        }
    }

    private static string Status(RunStatus status) => status.ToString().ToUpperInvariant() switch
    {
        "AWAITINGAPPROVAL" => "AWAITING_APPROVAL",
        var s => s,
    };

    private static string Shorten(string text, int max)
    {
        var single = text.ReplaceLineEndings(" ");
        return single.Length <= max ? single : single[..max] + "…";
    }
}
