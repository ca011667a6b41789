using System.Globalization;
using System.Text.Json;
using Cel;

namespace AgentMesh.Services.ToolHost.Policy;

/// <summary>
/// A condition on a tool call's arguments, in CEL (Google's Common Expression Language, the language of
/// Kubernetes admission policies), e.g. <c>args.amount > 100</c> or
/// <c>has(args.path) &amp;&amp; args.path.startsWith("/etc/")</c>. The call's arguments object is the variable
/// <c>args</c>, mapped as CEL maps JSON: objects are maps (<c>args.a.b</c>, <c>has(args.a)</c>), arrays are lists,
/// every number is a double (so 149 and 149.0 are the same value, and <c>args.amount > 100</c> compares it with
/// an int), then strings, bools and null. Parsed once; <see cref="Holds"/> is thread-safe.
/// </summary>
public sealed class ArgumentCondition
{
    // One environment for the process: CEL.NET's environment is meant to be shared, and compiling is
    // serialized because its function table is not documented as safe for concurrent compiles.
    private static readonly CelEnvironment Environment = new(null, null);
    private static readonly Lock CompileLock = new();
    private static readonly Dictionary<string, object?> NoArguments = new(StringComparer.Ordinal);

    private const string MissingFieldHint = " (a missing argument? has(args.x) tests whether x is present)";

    private readonly CelProgramDelegate _program;

    private ArgumentCondition(string text, CelProgramDelegate program)
    {
        Text = text;
        _program = program;
    }

    /// <summary>The expression as written.</summary>
    public string Text { get; }

    /// <summary>
    /// Parses <paramref name="text"/>. Throws <see cref="ArgumentConditionException"/> when it is empty or not CEL
    /// (the message has the line and column), or when it names a variable other than <c>args</c> or a function
    /// CEL does not have, as far as an evaluation against empty arguments reaches (CEL.NET finds unknown names
    /// only when evaluating).
    /// </summary>
    public static ArgumentCondition Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentConditionException("the condition is empty; write a CEL expression such as args.amount > 100");
        }

        CelProgramDelegate program;
        try
        {
            lock (CompileLock)
            {
                program = Environment.Compile(text);
            }
        }
        catch (CelException e)
        {
            throw new ArgumentConditionException($"not a CEL expression: {e.Message.ReplaceLineEndings("; ")}", e);
        }

        try
        {
            program(Variables(NoArguments));
        }
        catch (CelUndeclaredReferenceException e)
        {
            throw new ArgumentConditionException($"{e.Message} The call's arguments are the variable args (e.g. args.amount); there are no others.", e);
        }
        catch (CelUnboundFunctionException e)
        {
            throw new ArgumentConditionException($"{e.Message} CEL's standard functions are the ones available.", e);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Anything else depends on the arguments (e.g. args.amount is missing from {}).
        }

        return new ArgumentCondition(text, program);
    }

    /// <summary>
    /// Whether the condition holds for <paramref name="arguments"/> (a JSON object; undefined or null means
    /// <c>{}</c>). Throws <see cref="ArgumentConditionException"/> when it cannot be evaluated: an argument it
    /// reads is missing (<c>args.x</c> on a call without <c>x</c>; <c>has(args.x)</c> tests for it), a type
    /// does not fit (<c>args.name > 1</c>), or the result is not a bool.
    /// </summary>
    public bool Holds(JsonElement arguments)
    {
        object? result;
        try
        {
            result = _program(Variables(arguments.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? NoArguments : ToCel(arguments)));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new ArgumentConditionException(e.Message + (e is CelNoSuchFieldException ? MissingFieldHint : ""), e);
        }

        return result switch
        {
            bool holds => holds,
            // CEL.NET returns, rather than throws, its internal no-such-field value when the whole condition is one missing field.
            _ when result?.GetType().Name == "CelNoSuchField" => throw new ArgumentConditionException("the condition reads a field the arguments do not have" + MissingFieldHint),
            _ => throw new ArgumentConditionException($"the condition gave {Describe(result)}, not true or false"),
        };
    }

    private static Dictionary<string, object?> Variables(object? arguments) => new(StringComparer.Ordinal) { ["args"] = arguments };

    private static object? ToCel(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => value.EnumerateObject().ToDictionary(p => p.Name, p => ToCel(p.Value), StringComparer.Ordinal),
        JsonValueKind.Array => value.EnumerateArray().Select(ToCel).ToList(),
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    private static string Describe(object? result) => result switch
    {
        null => "null",
        string s => $"the string \"{s}\"",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => result.GetType().Name,
    };
}
