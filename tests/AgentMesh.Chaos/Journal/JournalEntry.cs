using System.Globalization;

namespace AgentMesh.Chaos.Journal;

/// <summary>
/// One execution of a <see cref="Workflows.ChaosStep"/>: the host generation (1 for the first host
/// process, +1 per restart) it ran in, the instance, the task id (the TaskScheduled event id), the
/// step key, the nonce of its result, and when it started and finished (Unix ms).
/// </summary>
public sealed record JournalEntry(int Generation, string InstanceId, int TaskId, string Key, string Nonce, long StartedAtMs, long FinishedAtMs)
{
    private const int Fields = 7;

    /// <summary>The entry as one tab-separated line (no newline).</summary>
    public string ToLine() => string.Join('\t',
        Generation.ToString(CultureInfo.InvariantCulture), InstanceId, TaskId.ToString(CultureInfo.InvariantCulture), Key, Nonce,
        StartedAtMs.ToString(CultureInfo.InvariantCulture), FinishedAtMs.ToString(CultureInfo.InvariantCulture));

    /// <summary>Parses a line written by <see cref="ToLine"/>; null for anything else (e.g. a line torn by a kill).</summary>
    public static JournalEntry? TryParse(string line)
    {
        var f = line.Split('\t');
        if (f.Length != Fields
            || !int.TryParse(f[0], CultureInfo.InvariantCulture, out var generation)
            || !int.TryParse(f[2], CultureInfo.InvariantCulture, out var taskId)
            || !long.TryParse(f[5], CultureInfo.InvariantCulture, out var started)
            || !long.TryParse(f[6], CultureInfo.InvariantCulture, out var finished))
            return null;
        return new JournalEntry(generation, f[1], taskId, f[3], f[4], started, finished);
    }

    /// <summary>Every entry of the journal file, and how many of its lines did not parse.</summary>
    public static (IReadOnlyList<JournalEntry> Entries, int TornLines) ReadAll(string path)
    {
        var entries = new List<JournalEntry>();
        var torn = 0;
        if (!File.Exists(path))
            return (entries, 0);
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0)
                continue;
            if (TryParse(line) is { } entry)
                entries.Add(entry);
            else
                torn++;
        }

        return (entries, torn);
    }
}
