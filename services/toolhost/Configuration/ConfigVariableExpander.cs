using System.Text;

namespace AgentMesh.Services.ToolHost.Configuration;

/// <summary>
/// Expands <c>${NAME}</c> in config strings: first from the host's variables, then from the
/// process environment. <c>$$</c> stands for a literal <c>$</c>. An unknown name is an error.
/// </summary>
internal sealed class ConfigVariableExpander(IReadOnlyDictionary<string, string> variables)
{
    /// <summary>Returns <paramref name="value"/> expanded; throws <see cref="FormatException"/> naming the problem.</summary>
    public string Expand(string value)
    {
        if (!value.Contains('$'))
        {
            return value;
        }

        var result = new StringBuilder(value.Length);
        var i = 0;
        while (i < value.Length)
        {
            var c = value[i];
            if (c != '$' || i + 1 >= value.Length)
            {
                result.Append(c);
                i++;
                continue;
            }

            var next = value[i + 1];
            if (next == '$')
            {
                result.Append('$');
                i += 2;
                continue;
            }

            if (next != '{')
            {
                result.Append(c);
                i++;
                continue;
            }

            var close = value.IndexOf('}', i + 2);
            if (close < 0)
            {
                throw new FormatException($"unterminated '${{' in \"{value}\"");
            }

            var name = value[(i + 2)..close];
            if (name.Length == 0)
            {
                throw new FormatException($"empty variable name '${{}}' in \"{value}\"");
            }

            result.Append(Lookup(name));
            i = close + 1;
        }

        return result.ToString();
    }

    private string Lookup(string name)
    {
        if (variables.TryGetValue(name, out var value))
        {
            return value;
        }

        return System.Environment.GetEnvironmentVariable(name)
            ?? throw new FormatException(
                $"variable ${{{name}}} is not defined (host variables: {(variables.Count == 0 ? "none" : string.Join(", ", variables.Keys.Order(StringComparer.Ordinal)))}; not in the environment either)");
    }
}
