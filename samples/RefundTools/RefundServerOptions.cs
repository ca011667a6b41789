using System.Globalization;

namespace AgentMesh.Samples.Refunds;

/// <summary>
/// The server's own command-line options. Everything else on the command line (e.g. <c>--urls</c>)
/// goes to the .NET host untouched.
/// </summary>
public sealed class RefundServerOptions
{
    /// <summary>The SQLite file: <c>--db</c>, else <c>REFUNDS_DB</c>, else <c>refunds.db</c> in the current directory. Created and seeded when missing.</summary>
    public string DatabasePath { get; private init; } = "refunds.db";

    /// <summary>A fixed "today" for reproducible runs: <c>--today yyyy-MM-dd</c>, else <c>REFUNDS_TODAY</c>; null means the current UTC date.</summary>
    public DateOnly? Today { get; private init; }

    /// <summary>
    /// True with <c>--reset</c>: the database starts from the seed at every start of the server, losing every
    /// purchase and refund in it, so a demo or a recorded run begins from the same data each time. A server that is
    /// restarted (e.g. by the ToolHost after it died) starts over too; never use it on data you keep.
    /// </summary>
    public bool Reset { get; private init; }

    /// <summary>True with <c>--http</c>: serve Streamable HTTP at <c>/mcp</c> instead of stdio.</summary>
    public bool Http { get; private init; }

    /// <summary>The arguments that are not the server's own, for the .NET host.</summary>
    public IReadOnlyList<string> HostArguments { get; private init; } = [];

    /// <summary>Reads the options from <paramref name="args"/> and the environment; throws <see cref="ArgumentException"/> with a readable message on a bad value.</summary>
    public static RefundServerOptions Parse(IReadOnlyList<string> args)
    {
        var database = Environment.GetEnvironmentVariable("REFUNDS_DB");
        var today = Environment.GetEnvironmentVariable("REFUNDS_TODAY");
        var http = false;
        var reset = false;
        var rest = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--db":
                    database = Value(args, ++i, "--db");
                    break;
                case "--today":
                    today = Value(args, ++i, "--today");
                    break;
                case "--http":
                    http = true;
                    break;
                case "--reset":
                    reset = true;
                    break;
                default:
                    rest.Add(args[i]);
                    break;
            }
        }

        return new RefundServerOptions
        {
            DatabasePath = string.IsNullOrWhiteSpace(database) ? "refunds.db" : database,
            Today = string.IsNullOrWhiteSpace(today) ? null : ParseDate(today),
            Http = http,
            Reset = reset,
            HostArguments = rest,
        };
    }

    private static string Value(IReadOnlyList<string> args, int index, string name)
        => index < args.Count ? args[index] : throw new ArgumentException($"{name} needs a value.");

    private static DateOnly ParseDate(string text)
        => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new ArgumentException($"--today (or REFUNDS_TODAY) must be a date as yyyy-MM-dd, not '{text}'.");
}
