using System.Globalization;

namespace AgentMesh.Bench.Orchestration.Harness;

/// <summary>
/// A process and its descendants, read from /proc: CPU time (utime + stime of <c>/proc/PID/stat</c>)
/// and peak resident set (<c>VmHWM</c> of <c>/proc/PID/status</c>) per process.
/// </summary>
internal static class ProcessTree
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>One process of a tree: its pid, a label (the root's role, "mcp" for an MCP server, else its command name), CPU ms so far, peak RSS in MiB.</summary>
    public sealed record Sample(int Pid, string Label, double CpuMs, double PeakRssMb);

    /// <summary>Every live process of the tree rooted at <paramref name="root"/>, labelled.</summary>
    public static List<Sample> Read(int root, string rootLabel)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || Stat(pid) is not { } stat)
                continue;
            if (!children.TryGetValue(stat.ParentPid, out var list))
                children[stat.ParentPid] = list = [];
            list.Add(pid);
        }

        var samples = new List<Sample>();
        var queue = new Queue<int>([root]);
        while (queue.TryDequeue(out var pid))
        {
            if (Stat(pid) is { } stat)
                samples.Add(new Sample(pid, pid == root ? rootLabel : Label(pid, stat.Command, rootLabel), stat.CpuMs, PeakRssMb(pid)));
            foreach (var child in children.GetValueOrDefault(pid) ?? [])
                queue.Enqueue(child);
        }
        return samples;
    }

    /// <summary>"mcp" for an MCP server; the root's label for the .NET or Node process a root such as strace runs; else the command name.</summary>
    private static string Label(int pid, string command, string rootLabel)
    {
        try
        {
            var commandLine = File.ReadAllText($"/proc/{pid}/cmdline");
            return commandLine.Contains("server-filesystem", StringComparison.Ordinal) ? "mcp"
                : command is "dotnet" or "node" ? rootLabel : command;
        }
        catch (IOException)
        {
            return command;
        }
    }

    private static (int ParentPid, string Command, double CpuMs)? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var close = text.LastIndexOf(')');
            var command = text[(text.IndexOf('(') + 1)..close];
            var fields = text[(close + 2)..].Split(' ');
            // After "(comm) ": state=0, ppid=1, …, utime=11, stime=12 (fields 14 and 15 of proc(5)).
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return (int.Parse(fields[1], CultureInfo.InvariantCulture), command, ticks * 1000 / TicksPerSecond);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static double PeakRssMb(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
