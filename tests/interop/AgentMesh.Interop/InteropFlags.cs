using System.Globalization;

namespace AgentMesh.Interop;

/// <summary>
/// The official interop flags (<c>--name=value</c> or <c>--name value</c>). Flags the caller does
/// not know are errors; flags it accepts but ignores are listed by the caller.
/// </summary>
internal sealed class InteropFlags
{
    private readonly Dictionary<string, string> _values;

    private InteropFlags(Dictionary<string, string> values) => _values = values;

    /// <summary>Parses <paramref name="arguments"/>; throws <see cref="UsageException"/> for a flag not in <paramref name="known"/> or a stray argument.</summary>
    public static InteropFlags Parse(IReadOnlyList<string> arguments, IReadOnlyCollection<string> known)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < arguments.Count; i++)
        {
            var argument = arguments[i];
            if (!argument.StartsWith("--", StringComparison.Ordinal))
            {
                throw new UsageException($"Unexpected argument '{argument}'; flags look like --name=value.");
            }

            var equals = argument.IndexOf('=');
            var name = equals < 0 ? argument[2..] : argument[2..equals];
            string value;
            if (equals >= 0)
            {
                value = argument[(equals + 1)..];
            }
            else if (i + 1 < arguments.Count && !arguments[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = arguments[++i];
            }
            else
            {
                throw new UsageException($"Flag --{name} needs a value (--{name}=value).");
            }

            if (!known.Contains(name))
            {
                throw new UsageException($"Unknown flag --{name}; known flags: {string.Join(", ", known.Select(k => "--" + k))}.");
            }

            values[name] = value;
        }

        return new InteropFlags(values);
    }

    /// <summary>The value of <c>--name</c>, or <paramref name="fallback"/> when absent.</summary>
    public string Get(string name, string fallback) => _values.GetValueOrDefault(name, fallback);

    /// <summary>The value of <c>--name</c>; throws <see cref="UsageException"/> when absent.</summary>
    public string Require(string name)
        => _values.TryGetValue(name, out var value) && value.Length > 0
            ? value
            : throw new UsageException($"Flag --{name} is required.");

    /// <summary>The TCP port in <c>--name</c> (0–65535); throws <see cref="UsageException"/> when absent or invalid.</summary>
    public int RequirePort(string name)
    {
        var value = Require(name);
        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535
            ? port
            : throw new UsageException($"Flag --{name}={value} is not a port number (0-65535).");
    }

    /// <summary>The boolean in <c>--name</c> (true/false), or <paramref name="fallback"/> when absent.</summary>
    public bool GetBool(string name, bool fallback)
    {
        if (!_values.TryGetValue(name, out var value))
        {
            return fallback;
        }

        return bool.TryParse(value, out var parsed)
            ? parsed
            : throw new UsageException($"Flag --{name}={value} must be true or false.");
    }
}

/// <summary>A bad command line; the message says what to change. Exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
