using AgentMesh.Contracts.V1;
using AgentMesh.Planning;

namespace AgentMesh.Tests.Planning;

public sealed class PlanValidatorTests
{
    private static readonly PlanValidator Validator = new(["researcher", "writer"]);

    private static PlanStep Step(string id, string role = "researcher", params string[] dependsOn)
    {
        var step = new PlanStep { Id = id, AgentRole = role, Instruction = "do " + id };
        step.DependsOn.AddRange(dependsOn);
        return step;
    }

    [Fact]
    public void A_valid_dag_has_no_errors()
    {
        var plan = new Plan { Steps = { Step("a"), Step("b"), Step("c", "writer", "a", "b") } };
        Assert.Empty(Validator.Validate(plan));
    }

    [Fact]
    public void Every_problem_is_reported_with_its_field()
    {
        var plan = new Plan { Steps = { Step("a", "poet"), Step("a"), Step("bad id!"), Step("c", "writer", "missing", "c") } };
        var errors = Validator.Validate(plan);
        Assert.Contains("steps[0].agent_role: unknown role \"poet\"; known roles: researcher, writer", errors);
        Assert.Contains("steps[1].id: duplicate step id \"a\"", errors);
        Assert.Contains(errors, e => e.StartsWith("steps[2].id: id \"bad id!\" must be", StringComparison.Ordinal));
        Assert.Contains("steps[3].depends_on[0]: step \"c\" depends on unknown step \"missing\"", errors);
        Assert.Contains("steps[3].depends_on[1]: step \"c\" depends on itself", errors);
    }

    [Fact]
    public void A_reviewer_must_be_a_known_role_with_1_to_5_rounds_and_a_model_tier_a_plain_name()
    {
        var plan = new Plan
        {
            Steps =
            {
                new PlanStep { Id = "a", AgentRole = "writer", Instruction = "x", ReviewBy = "critic" },
                new PlanStep { Id = "b", AgentRole = "writer", Instruction = "x", ReviewBy = "researcher", MaxReviewRounds = 6 },
                new PlanStep { Id = "c", AgentRole = "writer", Instruction = "x", MaxReviewRounds = 2 },
                new PlanStep { Id = "d", AgentRole = "writer", Instruction = "x", ModelTier = "very strong" },
                new PlanStep { Id = "e", AgentRole = "writer", Instruction = "x", ReviewBy = "researcher", MaxReviewRounds = 3, ModelTier = "strong" },
            },
        };
        Assert.Equal(
            ["steps[0].review_by", "steps[1].max_review_rounds", "steps[2].max_review_rounds", "steps[3].model_tier"],
            Validator.FindViolations(plan).Select(v => v.Field));
    }

    [Fact]
    public void Violations_name_the_proto_field_they_concern()
    {
        var plan = new Plan { Steps = { Step("a"), new PlanStep { Id = "b", AgentRole = "writer", Instruction = " ", DependsOn = { "a", "zz" } } } };
        var violations = Validator.FindViolations(plan);
        Assert.Equal(["steps[1].instruction", "steps[1].depends_on[1]"], violations.Select(v => v.Field));
    }

    [Fact]
    public void A_cycle_is_named_step_by_step()
    {
        var plan = new Plan { Steps = { Step("a", "researcher", "c"), Step("b", "researcher", "a"), Step("c", "researcher", "b") } };
        var error = Assert.Single(Validator.Validate(plan));
        Assert.Equal("steps: dependencies form a cycle: a -> c -> b -> a", error);
    }

    [Fact]
    public void An_empty_plan_is_invalid()
    {
        Assert.Equal(["steps: the plan has no steps"], Validator.Validate(new Plan()));
    }
}
