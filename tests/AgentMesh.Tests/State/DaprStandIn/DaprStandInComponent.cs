using System.Globalization;

namespace AgentMesh.Tests.State.DaprStandIn;

/// <summary>
/// The state component behind <see cref="DaprStateStandIn"/> — a STAND-IN, because no daprd can run here.
/// Behaves as Dapr's documented contract and its in-memory component (components-contrib state/in-memory)
/// say: every write gets a new opaque ETag; a write with an ETag needs a live item with that ETag; a
/// first-write without ETag needs the key to be absent; an expired item is absent; a transaction checks
/// every operation (in order, each seeing the earlier ones) before it applies any. TTL comes from the
/// <c>ttlInSeconds</c> metadata (components-contrib state/utils ParseTTL: an integer ≥ -1); -1 and 0 remove an
/// expiry and, as the Redis component does, a write without <c>ttlInSeconds</c> keeps the item's earlier expiry.
/// </summary>
public sealed class DaprStandInComponent
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Entry> _items = new(StringComparer.Ordinal);
    private readonly TimeProvider _clock;
    private long _lastETag;

    /// <summary>Creates an empty component measuring TTL with <paramref name="clock"/>.</summary>
    public DaprStandInComponent(TimeProvider clock) => _clock = clock;

    /// <summary>How many keys the component holds, expired or not (for tests that look at the raw store).</summary>
    public int RawCount
    {
        get
        {
            lock (_gate)
            {
                return _items.Count;
            }
        }
    }

    /// <summary>Every key the component holds, live or expired, ascending (raw view for tests).</summary>
    public IReadOnlyList<string> RawKeys()
    {
        lock (_gate)
        {
            return _items.Keys.Order(StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>The live item under <paramref name="key"/>, or <c>null</c>.</summary>
    public Entry? Get(string key)
    {
        lock (_gate)
        {
            return Live(key, null);
        }
    }

    /// <summary>Applies <paramref name="writes"/> all-or-nothing.</summary>
    /// <exception cref="DaprStandInETagException">An ETag or first-write check failed; nothing was written.</exception>
    /// <exception cref="FormatException">A <c>ttlInSeconds</c> is not an integer ≥ -1; nothing was written.</exception>
    public void Apply(IReadOnlyList<DaprStandInWrite> writes)
    {
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            var pending = new Dictionary<string, Entry?>(StringComparer.Ordinal);
            foreach (var write in writes)
            {
                var current = Live(write.Key, pending);
                Check(write, current);
                if (write.IsDelete)
                {
                    pending[write.Key] = null;
                    continue;
                }

                var ttl = ParseTtl(write.Metadata);
                var expiresAt = ttl switch
                {
                    null => current?.ExpiresAt,
                    > 0 => now.AddSeconds(ttl.Value),
                    _ => null,
                };
                pending[write.Key] = new Entry(write.Value, (++_lastETag).ToString(CultureInfo.InvariantCulture), expiresAt);
            }

            foreach (var (key, entry) in pending)
            {
                if (entry is null)
                {
                    _items.Remove(key);
                }
                else
                {
                    _items[key] = entry;
                }
            }
        }
    }

    private Entry? Live(string key, Dictionary<string, Entry?>? pending)
    {
        if (pending is not null && pending.TryGetValue(key, out var written))
        {
            return written;
        }

        return _items.TryGetValue(key, out var entry) && (entry.ExpiresAt is not { } at || at > _clock.GetUtcNow()) ? entry : null;
    }

    private static void Check(DaprStandInWrite write, Entry? current)
    {
        if (!string.IsNullOrEmpty(write.ETag))
        {
            if (current is null)
            {
                throw new DaprStandInETagException($"state not exist or expired for key={write.Key}");
            }

            if (current.ETag != write.ETag)
            {
                throw new DaprStandInETagException($"state etag not match for key={write.Key}: current={current.ETag}, expect={write.ETag}");
            }
        }
        else if (write.FirstWrite && current is not null)
        {
            throw new DaprStandInETagException($"item already exists and no etag was passed (key={write.Key})");
        }
    }

    private static int? ParseTtl(IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue("ttlInSeconds", out var text) || text.Length == 0)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds) || seconds < -1)
        {
            throw new FormatException($"incorrect value for metadata 'ttlInSeconds': must be -1 or greater (got '{text}')");
        }

        return seconds;
    }

    /// <summary>One stored item.</summary>
    /// <param name="Data">The value bytes as written.</param>
    /// <param name="ETag">The component's ETag (a counter, never reused).</param>
    /// <param name="ExpiresAt">Expiry, or <c>null</c>.</param>
    public sealed record Entry(byte[] Data, string ETag, DateTimeOffset? ExpiresAt);
}

/// <summary>One write handed to <see cref="DaprStandInComponent.Apply"/>.</summary>
/// <param name="Key">The key (without daprd's app-id prefix).</param>
/// <param name="IsDelete">Delete rather than upsert.</param>
/// <param name="Value">The value of an upsert.</param>
/// <param name="ETag">The ETag to check; <c>null</c> or empty means none (as in components-contrib).</param>
/// <param name="FirstWrite">Concurrency first-write (without ETag: the key must be absent).</param>
/// <param name="Metadata">The request's metadata (<c>ttlInSeconds</c>).</param>
public sealed record DaprStandInWrite(string Key, bool IsDelete, byte[] Value, string? ETag, bool FirstWrite, IReadOnlyDictionary<string, string> Metadata);

/// <summary>A failed ETag or first-write check (components-contrib <c>state.ETagError</c> of kind mismatch).</summary>
public sealed class DaprStandInETagException(string detail) : Exception($"possible etag mismatch. error from state store: {detail}");
