using System.Globalization;
using AgentMesh.Clients;
using AgentMesh.Contracts.V1;

namespace AgentMesh.Services.Orchestrator.Budgets;

/// <summary>A budget a run used up (agentmesh.v1.BudgetExceeded in a JSON-friendly shape for workflow history): its name (<see cref="BudgetNames"/>), limit, the amount used, and the step that was running ("" for none).</summary>
public sealed record BudgetOverrun(string Budget, double Limit, double Used, string StepId)
{
    /// <summary>A sentence for a person, e.g. "The run used up its budget of tool calls: 11 used, limit 10."</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Message
        => $"The run used up its budget of {BudgetNames.Describe(Budget)}{(StepId.Length > 0 ? $" in step \"{StepId}\"" : "")}: {Format(Used)} used, limit {Format(Limit)}.";

    public BudgetExceeded ToProto() => new() { Budget = Budget, Limit = Limit, Used = Used, StepId = StepId };

    public static BudgetOverrun FromProto(BudgetExceeded e, string stepId) => new(e.Budget, e.Limit, e.Used, stepId);

    private static string Format(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);
}
