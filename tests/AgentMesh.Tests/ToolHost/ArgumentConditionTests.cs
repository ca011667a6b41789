using System.Text.Json;
using AgentMesh.Services.ToolHost.Policy;
using Xunit;

namespace AgentMesh.Tests.ToolHost;

/// <summary>CEL conditions on tool-call arguments (the Cel package, evaluated on real JSON arguments).</summary>
public sealed class ArgumentConditionTests
{
    private static bool Holds(string condition, string argumentsJson)
        => ArgumentCondition.Parse(condition).Holds(JsonDocument.Parse(argumentsJson).RootElement);

    [Theory]
    [InlineData("args.amount > 100", """{"amount":149}""", true)]
    [InlineData("args.amount > 100", """{"amount":149.0}""", true)]
    [InlineData("args.amount > 100", """{"amount":100}""", false)]
    [InlineData("args.amount > 100", """{"amount":99.5}""", false)]
    [InlineData("args.amount > 100.5", """{"amount":101}""", true)]
    [InlineData("args.amount == 149", """{"amount":149.0}""", true)]
    [InlineData("args.currency == 'EUR' && args.amount >= 50", """{"currency":"EUR","amount":50}""", true)]
    [InlineData("args.path.startsWith('/etc/')", """{"path":"/etc/passwd"}""", true)]
    [InlineData("args.path.startsWith('/etc/')", """{"path":"/tmp/a"}""", false)]
    [InlineData("args.force", """{"force":true}""", true)]
    [InlineData("args.force == true", """{"force":false}""", false)]
    [InlineData("args.order.customer.vip", """{"order":{"customer":{"vip":true}}}""", true)]
    [InlineData("size(args.items) > 2", """{"items":[1,2,3]}""", true)]
    [InlineData("'root' in args.users", """{"users":["alice","root"]}""", true)]
    [InlineData("args.note == null", """{"note":null}""", true)]
    [InlineData("has(args.amount) && args.amount > 100", """{}""", false)]
    [InlineData("has(args.amount) && args.amount > 100", """{"amount":101}""", true)]
    public void Holds_on_json_arguments(string condition, string arguments, bool expected)
        => Assert.Equal(expected, Holds(condition, arguments));

    [Fact]
    public void No_arguments_are_an_empty_object()
        => Assert.False(ArgumentCondition.Parse("has(args.amount)").Holds(default));

    [Theory]
    [InlineData("args.amount > 100", """{"other":1}""", "missing argument")]
    [InlineData("args.name > 1", """{"name":"x"}""", "'>'")]
    [InlineData("args.amount", """{"amount":5}""", "not true or false")]
    [InlineData("args.force", """{}""", "missing argument")]
    public void Cannot_be_evaluated_says_why(string condition, string arguments, string why)
    {
        var error = Assert.Throws<ArgumentConditionException>(() => Holds(condition, arguments));
        Assert.Contains(why, error.Message);
    }

    [Theory]
    [InlineData("args.amount >", "not a CEL expression: Line 1:13")]
    [InlineData("args.amount = 1", "not a CEL expression")]
    [InlineData("'unterminated", "not a CEL expression")]
    [InlineData("   ", "empty")]
    [InlineData("amount > 100", "arguments are the variable args")]
    [InlineData("refund_limit(args.amount)", "Unbound function 'refund_limit'")]
    public void A_condition_that_does_not_parse_says_why(string condition, string problem)
    {
        var error = Assert.Throws<ArgumentConditionException>(() => ArgumentCondition.Parse(condition));
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void Evaluation_is_safe_from_many_threads()
    {
        var condition = ArgumentCondition.Parse("args.amount > 100 && args.reason.contains('damaged')");
        var results = Enumerable.Range(0, 400).AsParallel().Select(i =>
            condition.Holds(JsonDocument.Parse($$"""{"amount":{{i}},"reason":"damaged box"}""").RootElement) == i > 100).ToList();
        Assert.All(results, Assert.True);
    }
}
