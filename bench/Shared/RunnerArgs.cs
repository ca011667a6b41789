using System.Globalization;

namespace AgentMesh.Bench.Shared;

/// <summary>
/// The runner contract's arguments (bench/orchestration/workload/WORKLOAD.md):
/// <c>--runs N --concurrency C --warmup W --data DIR --workload DIR</c>, plus AgentMesh's <c>--address URL</c>.
/// Shared by the .NET runners (AgentMesh's client, Agent Framework).
/// </summary>
internal sealed record RunnerArgs(int Runs, int Concurrency, int Warmup, string Data, string Workload, string? Address)
{
    /// <summary>Parses the arguments; throws <see cref="ArgumentException"/> naming what is missing or out of range.</summary>
    public static RunnerArgs Parse(IReadOnlyList<string> args)
    {
        var parsed = new RunnerArgs(
            Int(args, "--runs", 30), Int(args, "--concurrency", 1), Int(args, "--warmup", 5),
            Path.GetFullPath(Text(args, "--data") ?? throw new ArgumentException("--data DIR is required.")),
            Text(args, "--workload") ?? throw new ArgumentException("--workload DIR is required."),
            Text(args, "--address"));
        if (parsed.Runs < 0 || parsed.Concurrency < 1 || parsed.Warmup < 0)
            throw new ArgumentException("--runs and --warmup must be >= 0, --concurrency >= 1.");
        return parsed;
    }

    public string NotesPath => Path.Combine(Workload, "notes-2k.txt");

    public string Answer => File.ReadAllText(Path.Combine(Workload, "answer.txt"));

    private static int Int(IReadOnlyList<string> args, string name, int fallback)
        => Text(args, name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    private static string? Text(IReadOnlyList<string> args, string name)
    {
        for (var i = 0; i + 1 < args.Count; i++)
        {
            if (args[i] == name)
                return args[i + 1];
        }
        return null;
    }
}
