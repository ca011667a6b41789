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

    /// <summary>Every problem found, each naming the step (e.g. <c>steps[1] (id "write"): unknown role "poet"</c>); empty when valid.</summary>
    public IReadOnlyList<string> Validate(Plan plan)
    {
        var errors = new List<string>();
        if (plan.Steps.Count == 0)
        {
            errors.Add("the plan has no steps");
            return errors;
        }

        if (plan.Steps.Count > MaxSteps)
        {
            errors.Add($"the plan has {plan.Steps.Count} steps; at most {MaxSteps} are allowed");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < plan.Steps.Count; i++)
        {
            var step = plan.Steps[i];
            var where = $"steps[{i}] (id \"{step.Id}\")";
            if (!StepId().IsMatch(step.Id))
            {
                errors.Add($"{where}: id must be 1-64 letters, digits, '-' or '_'");
            }
            else if (!ids.Add(step.Id))
            {
                errors.Add($"{where}: duplicate step id");
            }

            if (!knownRoles.Contains(step.AgentRole))
            {
                errors.Add($"{where}: unknown role \"{step.AgentRole}\"; known roles: {string.Join(", ", knownRoles.Order())}");
            }

            if (string.IsNullOrWhiteSpace(step.Instruction))
            {
                errors.Add($"{where}: instruction is empty");
            }
        }

        for (var i = 0; i < plan.Steps.Count; i++)
        {
            var step = plan.Steps[i];
            foreach (var dependency in step.DependsOn)
            {
                if (dependency == step.Id)
                {
                    errors.Add($"steps[{i}] (id \"{step.Id}\"): depends on itself");
                }
                else if (!ids.Contains(dependency))
                {
                    errors.Add($"steps[{i}] (id \"{step.Id}\"): depends on unknown step \"{dependency}\"");
                }
            }
        }

        if (errors.Count == 0 && FindCycle(plan) is { } cycle)
        {
            errors.Add($"dependencies form a cycle: {string.Join(" -> ", cycle)}");
        }

        return errors;
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
