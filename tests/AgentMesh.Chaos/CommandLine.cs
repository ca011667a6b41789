using System.Globalization;

namespace AgentMesh.Chaos;

/// <summary>The <c>--name value</c> options after a command word, e.g. <c>run --workflows 1000 --kills 8</c>.</summary>
internal sealed class CommandLine
{
    private readonly Dictionary<string, string> _options = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Parses <paramref name="arguments"/> (pairs of <c>--name value</c>); throws <see cref="ArgumentException"/> on anything else.</summary>
    public CommandLine(IEnumerable<string> arguments)
    {
        using var e = arguments.GetEnumerator();
        while (e.MoveNext())
        {
            var name = e.Current;
            if (!name.StartsWith("--", StringComparison.Ordinal) || !e.MoveNext())
                throw new ArgumentException($"Expected '--name value' pairs; got '{name}'.");
            _options[name[2..]] = e.Current;
        }
    }

    /// <summary>The option's text; <paramref name="fallback"/> when absent (null fallback: required).</summary>
    public string Text(string name, string? fallback = null) =>
        _options.TryGetValue(name, out var value) ? value
        : fallback ?? throw new ArgumentException($"--{name} is required.");

    /// <summary>The option as an integer; <paramref name="fallback"/> when absent (null fallback: required).</summary>
    public int Number(string name, int? fallback = null) =>
        _options.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture)
        : fallback ?? throw new ArgumentException($"--{name} is required.");

    /// <summary>The option as seconds (e.g. <c>2.5</c>), or <paramref name="fallback"/> when absent.</summary>
    public TimeSpan Seconds(string name, TimeSpan fallback) =>
        _options.TryGetValue(name, out var value) ? TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) : fallback;

    /// <summary>Whether the option was given.</summary>
    public bool Has(string name) => _options.ContainsKey(name);
}
