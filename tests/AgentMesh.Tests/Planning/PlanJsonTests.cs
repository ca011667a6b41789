using System.Text.Json.Nodes;
using AgentMesh.Planning;

namespace AgentMesh.Tests.Planning;

public sealed class PlanJsonTests
{
    [Fact]
    public void The_published_schema_is_the_one_generated_from_the_plan_type()
    {
        var published = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "AgentMesh.Planning", "plan.schema.json")));
        Assert.True(JsonNode.DeepEquals(PlanJson.GenerateSchema(), published), "plan.schema.json is stale: regenerate it from PlanJson.GenerateSchema().");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(PlanJson.Schema), published));
    }

    [Fact]
    public void A_plan_round_trips_through_json_and_protobuf()
    {
        var text = """{"steps":[{"id":"r","role":"researcher","instruction":"read"},{"id":"w","role":"writer","instruction":"write","dependsOn":["r"]}]}""";
        var proto = PlanJson.ToProto(PlanJson.Parse(text));
        Assert.Equal(["r"], proto.Steps[1].DependsOn);
        Assert.Equal(proto, PlanJson.ToProto(PlanJson.Parse(PlanJson.Serialize(PlanJson.FromProto(proto)))));
    }

    [Fact]
    public void A_step_may_name_a_capability_instead_of_a_role()
    {
        var plan = PlanJson.ToProto(PlanJson.Parse("""{"steps":[{"id":"r","capability":"summarising","instruction":"read"}]}"""));
        Assert.Equal(("", "summarising"), (plan.Steps[0].AgentRole, plan.Steps[0].Capability));
        Assert.Empty(new PlanValidator(["researcher"]).Validate(plan));
    }

    [Fact]
    public void A_code_fenced_answer_is_accepted()
    {
        var plan = PlanJson.Parse("```json\n{\"steps\":[{\"id\":\"r\",\"role\":\"researcher\",\"instruction\":\"read\"}]}\n```");
        Assert.Equal("r", plan.Steps[0].Id);
    }

    [Theory]
    [InlineData("""{"steps":[{"id":"r","role":"researcher"}]}""", "instruction")]
    [InlineData("""{"steps":[{"id":"r","role":"researcher","instruction":"read","extra":1}]}""", "extra")]
    [InlineData("""{"steps":[{"id":"r","role":null,"instruction":"read"}]}""", "$.steps[0].role")]
    [InlineData("""not json""", "does not match the schema")]
    public void What_the_schema_forbids_does_not_parse(string json, string expected)
    {
        var error = Assert.Throws<PlanValidationException>(() => PlanJson.Parse(json));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
