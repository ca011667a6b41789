using System.Diagnostics;
using AgentMesh.State;

namespace AgentMesh.Tests.Chaos;

/// <summary>
/// SIGKILL during State's group commit: a real process (AgentMesh.Chaos <c>state-writer</c>) has 32 writers
/// writing to a SQLite file at once, so their writes share commits, and is killed mid-stream, several times
/// over the same file. Every write it acknowledged must be there afterwards, with its value.
/// </summary>
public sealed class StateKillTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("agentmesh-state-kill-").FullName;

    [Fact]
    public async Task Every_acknowledged_write_survives_a_SIGKILL_during_group_commits()
    {
        var database = Path.Combine(_directory, "state.db");
        var acknowledged = new List<string>();
        for (var kill = 0; kill < 3; kill++)
            acknowledged.AddRange(await WriteUntilKilledAsync(database, acksBeforeKill: 400 + 300 * kill));

        using var store = new SqliteStateStore(database);
        var stored = await store.GetBulkAsync(acknowledged);
        var missing = acknowledged.Except(stored.Select(i => i.Key)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {acknowledged.Count} acknowledged writes were lost, e.g. {string.Join(", ", missing.Take(5))}");
        Assert.All(stored, item => Assert.Equal(item.Key, System.Text.Encoding.UTF8.GetString(item.Value.Span)));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Starts a writer, SIGKILLs it once it acknowledged <paramref name="acksBeforeKill"/> writes (more may be in flight), and returns what it acknowledged.</summary>
    private static async Task<List<string>> WriteUntilKilledAsync(string database, int acksBeforeKill)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "AgentMesh.Chaos.dll"), "state-writer", "--database", database, "--writers", "32" })
            start.ArgumentList.Add(argument);
        using var writer = Process.Start(start)!;
        var acks = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await writer.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("ack ", StringComparison.Ordinal))
                acks.Add(line[4..]);
            if (acks.Count == acksBeforeKill)
                writer.Kill();
        }
        await writer.WaitForExitAsync(timeout.Token);
        Assert.True(acks.Count >= acksBeforeKill, $"The writer exited after {acks.Count} acknowledged writes, before it was killed.");
        return acks;
    }
}
