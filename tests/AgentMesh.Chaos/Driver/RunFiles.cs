using System.Globalization;

namespace AgentMesh.Chaos.Driver;

/// <summary>The files of one run, in its folder: the hub's SQLite file, the activity journal, one log per host process.</summary>
internal sealed class RunFiles(string directory)
{
    /// <summary>The run's folder.</summary>
    public string Directory => directory;

    /// <summary>The hub's SQLite file (<c>taskhub.db</c>).</summary>
    public string Database => Path.Combine(directory, "taskhub.db");

    /// <summary>The activity journal (<c>journal.tsv</c>).</summary>
    public string Journal => Path.Combine(directory, "journal.tsv");

    /// <summary>The log of host <paramref name="generation"/> (<c>host-{generation}.log</c>).</summary>
    public string HostLog(int generation) => Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"host-{generation}.log"));
}
