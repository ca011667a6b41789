using AgentMesh.Services.Agents.Loop;

namespace AgentMesh.Tests.Agents;

/// <summary>Tool arguments checked against the tool's JSON input schema (JsonSchema.Net), and the correction rule that follows.</summary>
public sealed class ToolArgumentValidatorTests
{
    private const string Schema = """{"type":"object","properties":{"path":{"type":"string"},"head":{"type":"integer","minimum":1}},"required":["path"],"additionalProperties":false}""";
    private readonly ToolArgumentValidator _validator = new();

    [Fact]
    public void Arguments_that_fit_pass()
        => Assert.Null(_validator.Problem("fs", "read", Schema, """{"path":"a.txt","head":3}"""));

    [Fact]
    public void Wrong_types_missing_and_unknown_properties_are_named_with_where()
    {
        var wrongType = _validator.Problem("fs", "read", Schema, """{"path":42}""");
        var missing = _validator.Problem("fs", "read", Schema, """{"head":2}""");
        var extra = _validator.Problem("fs", "read", Schema, """{"path":"a","mode":"x"}""");

        Assert.NotNull(wrongType);
        Assert.Contains("arguments/path", wrongType, StringComparison.Ordinal);
        Assert.NotNull(missing);
        Assert.Contains("path", missing, StringComparison.Ordinal);
        Assert.NotNull(extra);
    }

    [Fact]
    public async Task Concurrent_first_calls_for_a_tool_build_its_schema_once_and_all_agree()
    {
        using var start = new Barrier(4);
        var problems = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            start.SignalAndWait();
            return _validator.Problem("fs", "concurrent", Schema, """{"path":42}""");
        })));

        Assert.All(problems, p => Assert.Equal(problems[0], p));
        Assert.NotNull(problems[0]);
    }

    [Fact]
    public void A_schema_that_cannot_be_read_is_not_enforced()
        => Assert.Null(_validator.Problem("fs", "odd", "{not json", """{"anything":1}"""));

    [Fact]
    public void A_second_turn_in_a_row_with_a_mistaken_call_fails_but_a_corrected_one_does_not()
    {
        TranscriptEntry Turn() => new("assistant", "", [new ToolCallRecord("c", "fs__read", "fs", "read", "{}")]);
        TranscriptEntry Mistake(string why) => new("tool", "Error: " + why, ToolCallId: "c", IsError: true, ModelError: true);
        TranscriptEntry Fine() => new("tool", "ok", ToolCallId: "c");

        Assert.Null(ModelMistakes.AfterCorrection([Turn(), Mistake("one")]));
        Assert.Null(ModelMistakes.AfterCorrection([Turn(), Mistake("one"), Turn(), Fine()]));
        Assert.Null(ModelMistakes.AfterCorrection([Turn(), Mistake("one"), Turn(), Fine(), Turn(), Mistake("three")]));
        Assert.Equal("Error: two", ModelMistakes.AfterCorrection([Turn(), Mistake("one"), Turn(), Fine(), Mistake("two")]));
    }
}
