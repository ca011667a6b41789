using System.Globalization;
using System.Text;

namespace AgentMesh.Chaos.Journal;

/// <summary>
/// The append-only file in which every activity execution records itself before it returns. Each
/// line is written with one write and then fsynced (<see cref="FileStream.Flush(bool)"/>), so an
/// execution whose result reached the hub is on disk, whatever SIGKILL comes next.
/// </summary>
public sealed class ActivityJournal : IDisposable
{
    private readonly FileStream _file;
    private readonly Lock _gate = new();
    private long _sequence;

    /// <summary>Opens (or creates) <paramref name="path"/> for appending, for the host process of <paramref name="generation"/>.</summary>
    public ActivityJournal(string path, int generation)
    {
        _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0);
        Generation = generation;
        if (_file.Length > 0 && !EndsWithNewline(path))
            _file.Write("\n"u8); // a line torn by the previous kill stays a line of its own
    }

    private static bool EndsWithNewline(string path)
    {
        using var read = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        read.Seek(-1, SeekOrigin.End);
        return read.ReadByte() == '\n';
    }

    /// <summary>The generation of this host process (1 for the first, +1 per restart).</summary>
    public int Generation { get; }

    /// <summary>A nonce unique across the run: <c>{generation}.{sequence}</c>.</summary>
    public string NextNonce() =>
        string.Create(CultureInfo.InvariantCulture, $"{Generation}.{Interlocked.Increment(ref _sequence)}");

    /// <summary>Appends <paramref name="entry"/> and waits until it is on disk.</summary>
    public void Append(JournalEntry entry)
    {
        var bytes = Encoding.UTF8.GetBytes(entry.ToLine() + "\n");
        lock (_gate)
        {
            _file.Write(bytes);
            _file.Flush(flushToDisk: true);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _file.Dispose();
}
