using Microsoft.Extensions.Logging;

namespace AgentMesh.Tests.Interop;

/// <summary>Log entries of a server under test, with a way to wait for one.</summary>
public sealed class ObservedLogs : ILoggerProvider
{
    private readonly List<Entry> _entries = new();
    private readonly List<(Func<Entry, bool> Match, TaskCompletionSource<Entry> Found)> _waiters = new();
    private readonly object _gate = new();

    /// <summary>Entries at Error or above so far.</summary>
    public IReadOnlyList<Entry> Errors
    {
        get
        {
            lock (_gate)
            {
                return _entries.Where(e => e.Level >= LogLevel.Error).ToList();
            }
        }
    }

    /// <summary>The first entry (past or future) matching <paramref name="match"/>; fails after 30 s.</summary>
    public Task<Entry> WaitForAsync(Func<Entry, bool> match)
    {
        lock (_gate)
        {
            if (_entries.FirstOrDefault(match) is { } found)
            {
                return Task.FromResult(found);
            }

            var waiter = new TaskCompletionSource<Entry>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, waiter));
            return waiter.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Add(Entry entry)
    {
        lock (_gate)
        {
            _entries.Add(entry);
            foreach (var waiter in _waiters.Where(w => w.Match(entry)).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Found.TrySetResult(entry);
            }
        }
    }

    /// <summary>One log entry with its structured values (e.g. <c>Method</c>).</summary>
    public sealed record Entry(string Category, LogLevel Level, EventId EventId, string Message, IReadOnlyDictionary<string, object?> Values);

    private sealed class Logger(ObservedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state as IEnumerable<KeyValuePair<string, object?>> ?? Array.Empty<KeyValuePair<string, object?>>();
            owner.Add(new Entry(category, logLevel, eventId, formatter(state, exception),
                values.GroupBy(v => v.Key).ToDictionary(g => g.Key, g => g.Last().Value)));
        }
    }
}
