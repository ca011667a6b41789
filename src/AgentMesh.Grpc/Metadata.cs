using System.Collections;

namespace AgentMesh.Grpc;

/// <summary>
/// gRPC custom metadata: an ordered list of key/value entries. Keys are lower-cased ASCII; keys
/// ending in <c>-bin</c> carry binary values (base64 on the wire), all others ASCII strings.
/// </summary>
public sealed class Metadata : IEnumerable<Metadata.Entry>
{
    /// <summary>Suffix of binary-valued keys.</summary>
    public const string BinarySuffix = "-bin";

    private readonly List<Entry> _entries = new();

    public int Count => _entries.Count;

    /// <summary>Adds an ASCII entry. Throws <see cref="ArgumentException"/> for a <c>-bin</c> key or an invalid key.</summary>
    public void Add(string key, string value)
    {
        var normalized = NormalizeKey(key);
        if (normalized.EndsWith(BinarySuffix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Metadata key '{key}' ends in -bin and needs a byte[] value.", nameof(key));
        }

        _entries.Add(new Entry(normalized, value, null));
    }

    /// <summary>Adds a binary entry. Throws <see cref="ArgumentException"/> unless the key ends in <c>-bin</c>.</summary>
    public void Add(string key, byte[] value)
    {
        var normalized = NormalizeKey(key);
        if (!normalized.EndsWith(BinarySuffix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Metadata key '{key}' has a binary value and must end in -bin.", nameof(key));
        }

        _entries.Add(new Entry(normalized, null, value));
    }

    /// <summary>The last ASCII value of <paramref name="key"/>, or null.</summary>
    public string? GetValue(string key)
    {
        var normalized = key.ToLowerInvariant();
        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            if (_entries[i].Key == normalized && !_entries[i].IsBinary)
            {
                return _entries[i].Value;
            }
        }

        return null;
    }

    /// <summary>The last binary value of <paramref name="key"/>, or null.</summary>
    public byte[]? GetValueBytes(string key)
    {
        var normalized = key.ToLowerInvariant();
        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            if (_entries[i].Key == normalized && _entries[i].IsBinary)
            {
                return _entries[i].ValueBytes;
            }
        }

        return null;
    }

    public IEnumerator<Entry> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static string NormalizeKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var normalized = key.ToLowerInvariant();
        foreach (var c in normalized)
        {
            if (!(c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_' or '.'))
            {
                throw new ArgumentException($"Metadata key '{key}' has the character '{c}'; allowed are 0-9 a-z - _ .", nameof(key));
            }
        }

        return normalized;
    }

    /// <summary>One metadata entry; exactly one of <see cref="Value"/> and <see cref="ValueBytes"/> is set.</summary>
    public sealed record Entry(string Key, string? Value, byte[]? ValueBytes)
    {
        public bool IsBinary => ValueBytes is not null;
    }
}
