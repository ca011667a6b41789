using AgentMesh.Contracts.V1;
using AgentMesh.Planning;

namespace AgentMesh.Services.Orchestrator.RunWorkflow;

// Payloads of the run workflow and its activities (JSON in workflow history).

/// <summary>
/// Input of <see cref="RunWorkflow"/>: exactly one of <paramref name="Goal"/> and <paramref name="Plan"/> drives the run;
/// <paramref name="Settings"/> are the Orchestrator's settings when the run started, kept in history so every replay sees the same.
/// </summary>
public sealed record RunInput(string RunId, string Goal, PlanDocument? Plan, RunSettings Settings);

/// <summary>The settings a run keeps for its whole life: activity retries (<see cref="ActivityMaxAttempts"/> attempts, the first retry after <see cref="ActivityFirstRetryInterval"/>, doubling) and how long an approval may wait.</summary>
public sealed record RunSettings(int ActivityMaxAttempts, TimeSpan ActivityFirstRetryInterval, TimeSpan ApprovalTimeout)
{
    /// <summary>The settings of <paramref name="options"/>.</summary>
    public static RunSettings From(OrchestratorOptions options) => new(options.ActivityMaxAttempts, options.ActivityFirstRetryInterval, options.ApprovalTimeout);
}

/// <summary>Token counts.</summary>
public sealed record Usage(long InputTokens, long OutputTokens)
{
    public static Usage Zero { get; } = new(0, 0);

    public Usage Add(Usage other) => new(InputTokens + other.InputTokens, OutputTokens + other.OutputTokens);

    public TokenUsage ToProto() => new() { InputTokens = InputTokens, OutputTokens = OutputTokens };

    public static Usage FromProto(TokenUsage? usage) => usage is null ? Zero : new(usage.InputTokens, usage.OutputTokens);
}

/// <summary>The planner's answer.</summary>
public sealed record PlanOutcome(PlanDocument? Plan, Usage Usage)
{
    /// <summary>Set when planning failed in a way retrying cannot fix (class <c>model</c> or <c>fatal</c>): the run fails.</summary>
    public StepFailure? Failure { get; init; }
}

/// <summary>A dependency's output handed to a step.</summary>
public sealed record DependencyOutput(string StepId, string Role, string Output);

/// <summary>A human decision on an approval (<paramref name="DecidedAt"/> in UTC).</summary>
public sealed record Decision(string ApprovalId, bool Approved, string Reason, DateTime DecidedAt)
{
    public ApprovalDecision ToProto() => new()
    {
        ApprovalId = ApprovalId, Approved = Approved, Reason = Reason,
        DecidedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.SpecifyKind(DecidedAt, DateTimeKind.Utc)),
    };
}

/// <summary>Input of <see cref="RunStepActivity"/>.</summary>
public sealed record StepInput(
    string RunId,
    string Goal,
    PlanDocumentStep Step,
    IReadOnlyList<DependencyOutput> Dependencies,
    IReadOnlyList<Decision> Decisions,
    int Attempt);

/// <summary>An approval a step asks for (a gated tool call): <see cref="ApprovalRequest"/> in a JSON-friendly shape for workflow history.</summary>
public sealed record PendingApproval(string ApprovalId, string StepId, string ToolCallId, string Server, string Tool, string ArgumentsJson, string Reason)
{
    public static PendingApproval FromProto(ApprovalRequest a) => new(a.ApprovalId, a.StepId, a.ToolCallId, a.Server, a.Tool, a.ArgumentsJson, a.Reason);

    public ApprovalRequest ToProto() => new()
    {
        ApprovalId = ApprovalId, StepId = StepId, ToolCallId = ToolCallId, Server = Server, Tool = Tool, ArgumentsJson = ArgumentsJson, Reason = Reason,
    };
}

/// <summary>How a step execution ended: with an output, or waiting for approvals.</summary>
public sealed record StepOutcome(string? Output, Usage Usage, IReadOnlyList<PendingApproval> Approvals)
{
    /// <summary>Set when the step failed in a way retrying cannot fix (failure class <c>logic</c>): the run fails.</summary>
    public StepFailure? Failure { get; init; }
}

/// <summary>A step's failure that ends the run: its class (e.g. <c>logic</c>) and a message for a person.</summary>
public sealed record StepFailure(string StepId, string FailureClass, string Message);

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
    public Usage? Usage { get; init; }
    public IReadOnlyList<PendingApproval>? AddApprovals { get; init; }
    public IReadOnlyList<Decision>? ResolveApprovals { get; init; }
}
