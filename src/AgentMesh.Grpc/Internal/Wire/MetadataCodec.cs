namespace AgentMesh.Grpc.Internal.Wire;

/// <summary>
/// Converts between <see cref="Metadata"/> and HTTP headers, the one place both sides of a call do
/// so: reserved headers never pass; <c>-bin</c> values are base64, emitted unpadded, accepted
/// padded or unpadded; several values may share one header separated by commas.
/// </summary>
internal static class MetadataCodec
{
    /// <summary>The headers that carry <paramref name="metadata"/>: name and encoded value of each non-reserved entry.</summary>
    public static IEnumerable<KeyValuePair<string, string>> ToHeaders(Metadata? metadata)
    {
        if (metadata is null)
        {
            yield break;
        }

        foreach (var entry in metadata)
        {
            if (!ReservedHeaders.IsReserved(entry.Key))
            {
                yield return new(entry.Key, Encode(entry));
            }
        }
    }

    /// <summary>The custom metadata in <paramref name="headers"/> (request or response headers, or trailers).</summary>
    public static Metadata FromHeaders<TValues>(IEnumerable<KeyValuePair<string, TValues>> headers)
        where TValues : IEnumerable<string?>
    {
        var metadata = new Metadata();
        foreach (var header in headers)
        {
            AddHeader(metadata, header.Key, header.Value);
        }

        return metadata;
    }

    /// <summary>The header value of one entry.</summary>
    private static string Encode(Metadata.Entry entry)
        => entry.IsBinary ? Convert.ToBase64String(entry.ValueBytes!).TrimEnd('=') : entry.Value!;

    /// <summary>Adds the header <paramref name="name"/> with <paramref name="values"/> to <paramref name="metadata"/> unless it is reserved; skips values that do not decode.</summary>
    private static void AddHeader(Metadata metadata, string name, IEnumerable<string?> values)
    {
        if (ReservedHeaders.IsReserved(name))
        {
            return;
        }

        var key = name.ToLowerInvariant();
        var binary = key.EndsWith(Metadata.BinarySuffix, StringComparison.Ordinal);
        foreach (var value in values)
        {
            if (value is null)
            {
                continue;
            }

            if (!binary)
            {
                TryAdd(() => metadata.Add(key, value));
                continue;
            }

            foreach (var part in value.Split(',', StringSplitOptions.TrimEntries))
            {
                if (TryDecodeBase64(part, out var bytes))
                {
                    TryAdd(() => metadata.Add(key, bytes));
                }
            }
        }
    }

    /// <summary>Decodes padded or unpadded (standard alphabet) base64.</summary>
    private static bool TryDecodeBase64(string value, out byte[] bytes)
    {
        var padded = (value.Length % 4) switch
        {
            2 => value + "==",
            3 => value + "=",
            _ => value,
        };
        try
        {
            bytes = Convert.FromBase64String(padded);
            return true;
        }
        catch (FormatException)
        {
            bytes = Array.Empty<byte>();
            return false;
        }
    }

    private static void TryAdd(Action add)
    {
        try
        {
            add();
        }
        catch (ArgumentException)
        {
            // A header name that is not a valid metadata key (e.g. upper-case from a proxy) is dropped.
        }
    }
}
