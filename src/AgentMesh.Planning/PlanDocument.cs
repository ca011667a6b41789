using System.ComponentModel;
using System.Text.Json.Serialization;

namespace AgentMesh.Planning;

/// <summary>
/// A plan as the model writes it: JSON matching <c>plan.schema.json</c>, e.g.
/// <c>{"steps":[{"id":"research","role":"researcher","instruction":"…","dependsOn":[]}]}</c>.
/// </summary>
public sealed record PlanDocument
{
    [Description("The steps of the plan; a directed acyclic graph through dependsOn.")]
    [JsonRequired]
    public required IReadOnlyList<PlanDocumentStep> Steps { get; init; }
}

/// <summary>One step of a <see cref="PlanDocument"/>.</summary>
public sealed record PlanDocumentStep
{
    [Description("Unique step id: letters, digits, '-' and '_', at most 64 characters.")]
    [JsonRequired]
    public required string Id { get; init; }

    [Description("The agent role that carries out the step; empty when the step names a capability instead.")]
    public string Role { get; init; } = "";

    [Description("Optional, instead of role: a capability (e.g. \"web-research\"); a router picks a role that declares it.")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Capability { get; init; }

    [Description("What the agent must do, self-contained.")]
    [JsonRequired]
    public required string Instruction { get; init; }

    [Description("Ids of steps whose outputs this step needs.")]
    public IReadOnlyList<string> DependsOn { get; init; } = [];

    [Description("Optional: the model tier that carries out this step (e.g. \"fast\" or \"strong\"); left out, the role's own.")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Tier { get; init; }

    [Description("Optional: an agent role that reviews this step's output and may send it back with feedback.")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ReviewBy { get; init; }

    [Description("Optional: how many reviews at most (1-5, default 2).")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? MaxReviewRounds { get; init; }
}
