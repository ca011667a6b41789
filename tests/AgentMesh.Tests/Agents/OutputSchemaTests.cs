using AgentMesh.Services.Agents.Roles;

namespace AgentMesh.Tests.Agents;

public sealed class OutputSchemaTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("agentmesh-schema-").FullName;

    private OutputSchema Write(string json)
    {
        var path = Path.Combine(_folder, "analyst.schema.json");
        File.WriteAllText(path, json);
        return OutputSchema.Load(path);
    }

    private const string Verdict = """{"type":"object","properties":{"verdict":{"enum":["ok","bad"]},"score":{"type":"integer","minimum":0}},"required":["verdict","score"]}""";

    [Fact]
    public void An_answer_that_fits_is_taken_as_compact_JSON_also_inside_a_code_fence()
    {
        var schema = Write(Verdict);
        Assert.Equal(("""{"verdict":"ok","score":3}""", (string?)null), schema.Check("""{ "verdict": "ok", "score": 3 }"""));
        Assert.Equal(("""{"verdict":"bad","score":0}""", (string?)null), schema.Check("```json\n{\"verdict\":\"bad\",\"score\":0}\n```"));
    }

    [Fact]
    public void An_answer_that_does_not_fit_says_where_and_why()
    {
        var schema = Write(Verdict);
        var (json, problem) = schema.Check("""{"verdict":"maybe","score":-1}""");
        Assert.Null(json);
        Assert.Contains("answer/verdict", problem);
        Assert.Contains("answer/score", problem);
        Assert.Contains("Required properties [\"score\"]", schema.Check("""{"verdict":"ok"}""").Problem);
        Assert.StartsWith("the answer is not JSON", schema.Check("Sure! The verdict is ok.").Problem);
    }

    [Fact]
    public void A_file_that_is_not_a_JSON_Schema_is_refused_naming_it()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Write("""{"type": 12"""));
        Assert.Contains("analyst.schema.json", error.Message);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
