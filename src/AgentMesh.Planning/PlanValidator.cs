using System.Text.RegularExpressions;
using AgentMesh.Contracts.V1;

namespace AgentMesh.Planning;

/// <summary>
/// Checks the rules a plan must follow beyond its JSON shape: at least one step, at most
/// <see cref="MaxSteps"/>; unique well-formed step ids; non-empty instructions; known agent roles;
/// dependencies that exist, are not the step itself, and form no cycle.
/// </summary>
public sealed partial class PlanValidator(IReadOnlyCollection<string> knownRoles)
{
    /// <summary>Largest number of steps a plan may have.</summary>
    public const int MaxSteps = 32;

    /// <summary>Every problem found, as lines such as <c>steps[1].agent_role: unknown role "poet"; known roles: …</c>; empty when valid.</summary>
    public IReadOnlyList<string> Validate(Plan plan) => FindViolations(plan).Select(v => v.ToString()).ToList();

    /// <summary>Every rule <paramref name="plan"/> breaks, each with the field it concerns; empty when valid.</summary>
    public IReadOnlyList<PlanViolation> FindViolations(Plan plan)
    {
        var violations = new List<PlanViolation>();
        if (plan.Steps.Count == 0)
        {
            violations.Add(new("steps", "the plan has no steps"));
            return violations;
        }

        if (plan.Steps.Count > MaxSteps)
        {
            violations.Add(new("steps", $"the plan has {plan.Steps.Count} steps; at most {MaxSteps} are allowed"));
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < plan.Steps.Count; i++)
        {
            var step = plan.Steps[i];
            if (!StepId().IsMatch(step.Id))
            {
                violations.Add(new($"steps[{i}].id", $"id \"{step.Id}\" must be 1-64 letters, digits, '-' or '_'"));
            }
            else if (!ids.Add(step.Id))
            {
                violations.Add(new($"steps[{i}].id", $"duplicate step id \"{step.Id}\""));
            }

            if (step.Capability.Length > 0)
            {
                if (step.AgentRole.Length > 0)
                {
                    violations.Add(new($"steps[{i}].capability", $"step \"{step.Id}\" names both a role and a capability; name one"));
                }
                else if (!StepId().IsMatch(step.Capability))
                {
                    violations.Add(new($"steps[{i}].capability", $"capability \"{step.Capability}\" must be 1-64 letters, digits, '-' or '_'"));
                }
            }
            else if (!knownRoles.Contains(step.AgentRole))
            {
                violations.Add(new($"steps[{i}].agent_role", $"unknown role \"{step.AgentRole}\"; known roles: {string.Join(", ", knownRoles.Order())}"));
            }

            if (step.ReviewBy.Length > 0 && !knownRoles.Contains(step.ReviewBy))
            {
                violations.Add(new($"steps[{i}].review_by", $"unknown reviewer role \"{step.ReviewBy}\"; known roles: {string.Join(", ", knownRoles.Order())}"));
            }

            if (step.MaxReviewRounds is < 0 or > 5 || step.MaxReviewRounds > 0 && step.ReviewBy.Length == 0)
            {
                violations.Add(new($"steps[{i}].max_review_rounds", $"max_review_rounds must be 0 (default 2) to 5, and needs review_by; step \"{step.Id}\" has {step.MaxReviewRounds}"));
            }

            if (step.ModelTier.Length > 0 && !StepId().IsMatch(step.ModelTier))
            {
                violations.Add(new($"steps[{i}].model_tier", $"model tier \"{step.ModelTier}\" must be 1-64 letters, digits, '-' or '_'"));
            }

            if (string.IsNullOrWhiteSpace(step.Instruction))
            {
                violations.Add(new($"steps[{i}].instruction", $"instruction of step \"{step.Id}\" is empty"));
            }
        }

        for (var i = 0; i < plan.Steps.Count; i++)
        {
            var step = plan.Steps[i];
            for (var j = 0; j < step.DependsOn.Count; j++)
            {
                var dependency = step.DependsOn[j];
                if (dependency == step.Id)
                {
                    violations.Add(new($"steps[{i}].depends_on[{j}]", $"step \"{step.Id}\" depends on itself"));
                }
                else if (!ids.Contains(dependency))
                {
                    violations.Add(new($"steps[{i}].depends_on[{j}]", $"step \"{step.Id}\" depends on unknown step \"{dependency}\""));
                }
            }
        }

        if (violations.Count == 0 && FindCycle(plan) is { } cycle)
        {
            violations.Add(new("steps", $"dependencies form a cycle: {string.Join(" -> ", cycle)}"));
        }

        return violations;
    }

    /// <summary>Throws <see cref="PlanValidationException"/> with every problem when the plan is invalid.</summary>
    public void EnsureValid(Plan plan)
    {
        var errors = Validate(plan);
        if (errors.Count > 0)
        {
            throw new PlanValidationException(errors);
        }
    }

    private static List<string>? FindCycle(Plan plan)
    {
        var dependencies = plan.Steps.ToDictionary(s => s.Id, s => s.DependsOn.ToArray(), StringComparer.Ordinal);
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 visiting, 2 done
        var path = new List<string>();

        List<string>? Visit(string id)
        {
            state[id] = 1;
            path.Add(id);
            foreach (var next in dependencies[id])
            {
                if (state.GetValueOrDefault(next) == 1)
                {
                    return [.. path[path.IndexOf(next)..], next];
                }

                if (state.GetValueOrDefault(next) == 0 && Visit(next) is { } cycle)
                {
                    return cycle;
                }
            }

            path.RemoveAt(path.Count - 1);
            state[id] = 2;
            return null;
        }

        foreach (var step in plan.Steps)
        {
            if (state.GetValueOrDefault(step.Id) == 0 && Visit(step.Id) is { } cycle)
            {
                return cycle;
            }
        }

        return null;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex StepId();
}
