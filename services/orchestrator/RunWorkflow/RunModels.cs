using AgentMesh.Contracts.V1;
using AgentMesh.Planning;
using AgentMesh.Services.Orchestrator.Budgets;

namespace AgentMesh.Services.Orchestrator.RunWorkflow;

// Payloads of the run workflow and its activities (JSON in workflow history).

/// <summary>
/// Input of <see cref="RunWorkflow"/>: exactly one of <paramref name="Goal"/> and <paramref name="Plan"/> drives the run;
/// <paramref name="Settings"/> are the Orchestrator's settings when the run started, kept in history so every replay sees the same,
/// as are the run's <paramref name="Budget"/> and the time StartRun accepted it (<paramref name="StartedAt"/>, UTC), which its wall time counts from.
/// </summary>
public sealed record RunInput(string RunId, string Goal, PlanDocument? Plan, RunSettings Settings, RunBudget Budget, DateTime StartedAt);

/// <summary>The settings a run keeps for its whole life: activity retries (<see cref="ActivityMaxAttempts"/> attempts, the first retry after <see cref="ActivityFirstRetryInterval"/>, doubling), how long an approval may wait, and how many new plans it may ask for.</summary>
public sealed record RunSettings(int ActivityMaxAttempts, TimeSpan ActivityFirstRetryInterval, TimeSpan ApprovalTimeout, int MaxReplans = 0)
{
    /// <summary>The settings of <paramref name="options"/>.</summary>
    public static RunSettings From(OrchestratorOptions options) => new(options.ActivityMaxAttempts, options.ActivityFirstRetryInterval, options.ApprovalTimeout, options.MaxReplans);
}

/// <summary>Input of <see cref="CreatePlanActivity"/>: plan <paramref name="Version"/> of the run; for version 2 or more, why the previous plan failed, that plan, and its finished steps' outputs.</summary>
public sealed record PlanRequest(RunInput Run, int Version, string? PreviousFailure, PlanDocument? PreviousPlan, IReadOnlyList<DependencyOutput> OutputsSoFar);

/// <summary>The planner's answer.</summary>
public sealed record PlanOutcome(PlanDocument? Plan, UsageTotals Usage)
{
    /// <summary>Set when planning failed in a way retrying cannot fix (class <c>model</c> or <c>fatal</c>): the run fails.</summary>
    public StepFailure? Failure { get; init; }
}

/// <summary>A dependency's output handed to a step; <paramref name="Structured"/> when it is JSON that fits its role's output schema.</summary>
public sealed record DependencyOutput(string StepId, string Role, string Output, bool Structured = false);

/// <summary>A human decision on an approval (<paramref name="DecidedAt"/> in UTC).</summary>
public sealed record Decision(string ApprovalId, bool Approved, string Reason, DateTime DecidedAt)
{
    public ApprovalDecision ToProto() => new()
    {
        ApprovalId = ApprovalId, Approved = Approved, Reason = Reason,
        DecidedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.SpecifyKind(DecidedAt, DateTimeKind.Utc)),
    };
}

/// <summary>Input of <see cref="RunStepActivity"/>: the step, and the run's <paramref name="Budget"/> with what the run used before the step (<paramref name="RunUsage"/>) and when it started (<paramref name="RunStartedAt"/>, UTC).</summary>
public sealed record StepInput(
    string RunId,
    string Goal,
    PlanDocumentStep Step,
    IReadOnlyList<DependencyOutput> Dependencies,
    IReadOnlyList<Decision> Decisions,
    int Attempt,
    RunBudget Budget,
    UsageTotals RunUsage,
    DateTime RunStartedAt)
{
    /// <summary>The version of the run's plan the step belongs to (1, or more after replanning).</summary>
    public int PlanVersion { get; init; } = 1;

    /// <summary>Which version of the step this is, with the reviewer's feedback and a schema for its answer (a review step's).</summary>
    public StepRound Round { get; init; } = new(1, null, null);
}

/// <summary>Input of <see cref="RouteStepActivity"/>: a step that names a capability.</summary>
public sealed record RouteInput(string RunId, string Goal, PlanDocumentStep Step);

/// <summary>The router's choice of <paramref name="Role"/> and why, and what it used.</summary>
public sealed record RouteOutcome(string Role, string Reason, UsageTotals Usage)
{
    /// <summary>Set when no role can take the step (class <c>fatal</c>): the run fails.</summary>
    public StepFailure? Failure { get; init; }
}

/// <summary>Version <paramref name="Number"/> of a step (1, then one more per revision a reviewer asked for, with its <paramref name="Feedback"/>); <paramref name="OutputSchemaJson"/> is a JSON Schema its answer must fit, or null.</summary>
public sealed record StepRound(int Number, string? Feedback, string? OutputSchemaJson);

/// <summary>One review of a step (agentmesh.v1.ReviewRound), for the run's events.</summary>
public sealed record ReviewRecord(string StepId, string ReviewerStepId, int Round, bool Approved, string Feedback, bool Final)
{
    public ReviewRound ToProto() => new()
    {
        StepId = StepId, ReviewerStepId = ReviewerStepId, Round = Round, Approved = Approved, Feedback = Feedback, Final = Final,
    };
}

/// <summary>An approval a step asks for (a gated tool call): <see cref="ApprovalRequest"/> in a JSON-friendly shape for workflow history.</summary>
public sealed record PendingApproval(string ApprovalId, string StepId, string ToolCallId, string Server, string Tool, string ArgumentsJson, string Reason)
{
    public static PendingApproval FromProto(ApprovalRequest a) => new(a.ApprovalId, a.StepId, a.ToolCallId, a.Server, a.Tool, a.ArgumentsJson, a.Reason);

    public ApprovalRequest ToProto() => new()
    {
        ApprovalId = ApprovalId, StepId = StepId, ToolCallId = ToolCallId, Server = Server, Tool = Tool, ArgumentsJson = ArgumentsJson, Reason = Reason,
    };
}

/// <summary>How a step execution ended: with an output, or waiting for approvals; <paramref name="Usage"/> is what the step used in all its executions so far.</summary>
public sealed record StepOutcome(string? Output, UsageTotals Usage, IReadOnlyList<PendingApproval> Approvals)
{
    /// <summary>Set when the step failed in a way retrying cannot fix (failure class <c>logic</c>, <c>model</c> or <c>fatal</c>): the run fails.</summary>
    public StepFailure? Failure { get; init; }

    /// <summary>Whether <see cref="Output"/> is a structured output (JSON that fits the role's output schema).</summary>
    public bool Structured { get; init; }
}

/// <summary>A step's failure that ends the run: its class (e.g. <c>logic</c>) and a message for a person.</summary>
public sealed record StepFailure(string StepId, string FailureClass, string Message)
{
    /// <summary>Set when the failure is a budget the run used up.</summary>
    public BudgetOverrun? Budget { get; init; }

    /// <summary>The run's error for this failure: the message, naming the step and class when a step failed on its own.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string RunError => Budget is null && StepId.Length > 0 ? $"Step \"{StepId}\" failed ({FailureClass}): {Message}" : Message;

    /// <summary>The failure of a run that used up <paramref name="overrun"/> (class <c>logic</c>).</summary>
    public static StepFailure From(BudgetOverrun overrun) => new(overrun.StepId, AgentMesh.Clients.FailureClasses.Logic, overrun.Message) { Budget = overrun };
}

/// <summary>
/// A change to a run record, applied by <see cref="UpdateRunActivity"/>. Null members are left
/// as they are. Adding approvals moves the run to AWAITING_APPROVAL; resolving the last one moves it back to RUNNING.
/// </summary>
public sealed record RunUpdate(string RunId)
{
    public RunStatus? Status { get; init; }
    public string? Reason { get; init; }
    public string? FailureClass { get; init; }
    public string? Output { get; init; }
    public PlanDocument? Plan { get; init; }

    /// <summary>With <see cref="Plan"/>: its version, added to the run's plan versions once.</summary>
    public int PlanVersion { get; init; } = 1;
    /// <summary>The run's usage so far; the record keeps the larger of it and what it holds (updates may land out of order).</summary>
    public UsageTotals? Usage { get; init; }

    /// <summary>A review of a step: recorded as a ReviewRound event.</summary>
    public ReviewRecord? Review { get; init; }

    /// <summary>A budget the run used up: recorded as a BudgetExceeded event before the status change.</summary>
    public BudgetOverrun? BudgetExceeded { get; init; }
    public IReadOnlyList<PendingApproval>? AddApprovals { get; init; }
    public IReadOnlyList<Decision>? ResolveApprovals { get; init; }
}
