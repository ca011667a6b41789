using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace AgentMesh.State;

/// <summary>
/// An append-only, per-run event log built only on <see cref="IStateStore"/>, so it works over every store.
/// Keys: <c>{prefix}/{runId}/head</c> holds the last sequence (ASCII decimal) and
/// <c>{prefix}/{runId}/e/{sequence:D19}</c> holds each event. An append reads the head, writes the events
/// (create-only) and the head (guarded by its ETag) in one transaction, and retries on a concurrency
/// conflict, so concurrent appenders never leave gaps or duplicates. Sequences start at 1.
/// </summary>
public sealed class RunEventLog
{
    private readonly IStateStore _store;
    private readonly RunEventLogOptions _options;
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _appendSignals = new(StringComparer.Ordinal);

    /// <summary>Creates a log over <paramref name="store"/>.</summary>
    public RunEventLog(IStateStore store, RunEventLogOptions? options = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _options = options ?? new RunEventLogOptions();
    }

    /// <summary>
    /// Appends <paramref name="events"/> (at least one) with consecutive sequences and returns the sequence
    /// of the last one.
    /// </summary>
    /// <exception cref="StateConcurrencyException">Still conflicting after <see cref="RunEventLogOptions.MaxAppendAttempts"/> attempts.</exception>
    public async Task<long> AppendAsync(string runId, IReadOnlyList<ReadOnlyMemory<byte>> events, CancellationToken cancellationToken = default)
        => (await AppendCoreAsync(runId, events, null, cancellationToken).ConfigureAwait(false)).LastSequence;

    /// <summary>
    /// Appends <paramref name="events"/> (may be empty) and applies <paramref name="write"/> (e.g. the
    /// run record) in one transaction: both are stored or neither is. Returns the last sequence number
    /// and the new ETag of <paramref name="write"/>. A concurrency conflict on <paramref name="write"/>
    /// itself throws <see cref="StateConcurrencyException"/> at once (conflicts on the log are retried).
    /// </summary>
    public Task<(long LastSequence, string ETag)> AppendWithWriteAsync(
        string runId, IReadOnlyList<ReadOnlyMemory<byte>> events, StateOperation write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        return AppendCoreAsync(runId, events, write, cancellationToken);
    }

    private async Task<(long LastSequence, string ETag)> AppendCoreAsync(
        string runId, IReadOnlyList<ReadOnlyMemory<byte>> events, StateOperation? write, CancellationToken cancellationToken)
    {
        ValidateRunId(runId);
        ArgumentNullException.ThrowIfNull(events);
        if (write is null)
        {
            ArgumentOutOfRangeException.ThrowIfZero(events.Count, nameof(events));
        }

        for (var attempt = 1; ; attempt++)
        {
            var head = await _store.GetAsync(HeadKey(runId), cancellationToken).ConfigureAwait(false);
            var last = ParseHead(head);
            var operations = new List<StateOperation>(events.Count + 2);
            for (var i = 0; i < events.Count; i++)
            {
                operations.Add(StateOperation.Upsert(EventKey(runId, last + 1 + i), events[i], new StateWriteOptions { CreateOnly = true }));
            }

            var newLast = last + events.Count;
            if (events.Count > 0)
            {
                var headOptions = head is null ? new StateWriteOptions { CreateOnly = true } : new StateWriteOptions { ETag = head.ETag };
                operations.Add(StateOperation.Upsert(HeadKey(runId), Encoding.ASCII.GetBytes(newLast.ToString(CultureInfo.InvariantCulture)), headOptions));
            }

            if (write is not null)
            {
                operations.Add(write);
            }

            IReadOnlyList<string> etags;
            try
            {
                etags = await _store.ExecuteTransactionAsync(operations, cancellationToken).ConfigureAwait(false);
            }
            catch (StateConcurrencyException e) when (e.Key != write?.Key && attempt < _options.MaxAppendAttempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 * Math.Min(attempt, 10))), cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (events.Count > 0 && _appendSignals.TryRemove(runId, out var signal))
            {
                signal.TrySetResult();
            }

            return (newLast, write is null ? "" : etags[^1]);
        }
    }

    /// <summary>Reads up to <paramref name="limit"/> events with sequence greater than <paramref name="afterSequence"/>, in order.</summary>
    public async Task<IReadOnlyList<(long Sequence, ReadOnlyMemory<byte> Data)>> ReadAsync(string runId, long afterSequence, int limit, CancellationToken cancellationToken = default)
    {
        ValidateRunId(runId);
        ArgumentOutOfRangeException.ThrowIfNegative(afterSequence);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var last = await GetLastSequenceAsync(runId, cancellationToken).ConfigureAwait(false);
        var upTo = Math.Min(last, afterSequence + limit);
        if (upTo <= afterSequence)
        {
            return [];
        }

        var keys = new List<string>((int)(upTo - afterSequence));
        for (var sequence = afterSequence + 1; sequence <= upTo; sequence++)
        {
            keys.Add(EventKey(runId, sequence));
        }

        var items = await _store.GetBulkAsync(keys, cancellationToken).ConfigureAwait(false);
        var byKey = items.ToDictionary(item => item.Key, StringComparer.Ordinal);
        var result = new List<(long, ReadOnlyMemory<byte>)>(keys.Count);
        for (var i = 0; i < keys.Count; i++)
        {
            if (!byKey.TryGetValue(keys[i], out var item))
            {
                throw new InvalidOperationException($"Run '{runId}' event log is missing event {afterSequence + 1 + i} below its head {last}.");
            }

            result.Add((afterSequence + 1 + i, item.Value));
        }

        return result;
    }

    /// <summary>The sequence of the last event of the run; 0 when it has none.</summary>
    public async Task<long> GetLastSequenceAsync(string runId, CancellationToken cancellationToken = default)
    {
        ValidateRunId(runId);
        return ParseHead(await _store.GetAsync(HeadKey(runId), cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Completes when the run has an event with sequence greater than <paramref name="afterSequence"/>.
    /// Appends through this instance wake waiters at once; appends by other processes are noticed by polling
    /// every <see cref="RunEventLogOptions.PollInterval"/> (never, when that is <c>null</c>).
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task WaitForAppendAsync(string runId, long afterSequence, CancellationToken cancellationToken)
    {
        ValidateRunId(runId);
        while (true)
        {
            // Take the signal before reading the head, so an append in between still wakes us.
            var signal = _appendSignals.GetOrAdd(runId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            if (await GetLastSequenceAsync(runId, cancellationToken).ConfigureAwait(false) > afterSequence)
            {
                return;
            }

            if (_options.PollInterval is { } interval)
            {
                try
                {
                    await signal.Task.WaitAsync(interval, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                }
            }
            else
            {
                await signal.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private string HeadKey(string runId) => $"{_options.KeyPrefix}/{runId}/head";

    private string EventKey(string runId, long sequence) =>
        $"{_options.KeyPrefix}/{runId}/e/{sequence.ToString("D19", CultureInfo.InvariantCulture)}";

    private static long ParseHead(StateItem? head) =>
        head is null ? 0 : long.Parse(Encoding.ASCII.GetString(head.Value.Span), NumberStyles.None, CultureInfo.InvariantCulture);

    private static void ValidateRunId(string runId)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        if (runId.Contains('/'))
        {
            throw new ArgumentException($"Run id '{runId}' must not contain '/'.", nameof(runId));
        }
    }
}
