using System.Buffers;
using System.IO.Compression;

namespace AgentMesh.Grpc.Internal.Wire;

/// <summary>
/// The message encodings this implementation speaks (grpc/doc/compression.md): <c>identity</c> and
/// <c>gzip</c>. Each message is compressed on its own (no context across messages).
/// </summary>
internal static class MessageCompression
{
    public const string Identity = "identity";
    public const string Gzip = "gzip";

    /// <summary>True for the encodings listed in <see cref="GrpcHeaders.SupportedEncodings"/>.</summary>
    public static bool IsSupported(string encoding) => encoding is Identity or Gzip;

    /// <summary>
    /// The encoding a setting asks for: null for none (null, empty or <c>identity</c>), <c>gzip</c> for gzip.
    /// Throws <see cref="ArgumentException"/> naming <paramref name="setting"/> for any other value.
    /// </summary>
    public static string? Normalize(string? encoding, string setting)
    {
        if (string.IsNullOrEmpty(encoding) || encoding == Identity)
        {
            return null;
        }

        return encoding == Gzip
            ? Gzip
            : throw new ArgumentException(
                $"{setting} '{encoding}' is not supported; use null, \"{Identity}\" or \"{Gzip}\".", setting);
    }

    /// <summary>True when a <c>grpc-accept-encoding</c> header (values possibly comma-joined) lists <paramref name="encoding"/>.</summary>
    public static bool IsListed(IEnumerable<string?> header, string encoding)
    {
        foreach (var value in header)
        {
            var text = value.AsSpan();
            foreach (var range in text.Split(','))
            {
                if (text[range].Trim().Equals(encoding, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Appends the gzip compression of <paramref name="input"/> to <paramref name="output"/>.</summary>
    public static void Compress(ReadOnlySpan<byte> input, Stream output)
    {
        using var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true);
        gzip.Write(input);
    }

    /// <summary>
    /// Inflates a gzip payload, read in place from <paramref name="payload"/>, into a buffer rented
    /// from <see cref="ArrayPool{T}.Shared"/> (the caller returns it); <paramref name="length"/> is
    /// the decompressed size. Throws <see cref="RpcException"/>: RESOURCE_EXHAUSTED once the output
    /// exceeds <paramref name="maxSize"/> (null: unlimited), INTERNAL when the payload is not gzip or is cut short.
    /// </summary>
    public static byte[] Decompress(ReadOnlySequence<byte> payload, int? maxSize, out int length)
    {
        var limit = maxSize ?? Array.MaxLength;
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Max(payload.Length * 4, 256), limit + 1L));
        length = 0;
        try
        {
            using var gzip = new GZipStream(new SequenceReadStream(payload), CompressionMode.Decompress);
            while (true)
            {
                if (length == buffer.Length)
                {
                    buffer = length < Array.MaxLength ? Grow(buffer, length, limit + 1L) : throw TooLarge(limit, payload.Length);
                }

                var read = gzip.Read(buffer, length, buffer.Length - length);
                if (read == 0)
                {
                    return GzipTrailer.Matches(payload, length)
                        ? buffer
                        : throw new RpcException(StatusCode.Internal, "Could not decompress a gzip message: it is truncated.");
                }

                length += read;
                if (length > limit)
                {
                    throw TooLarge(limit, payload.Length);
                }
            }
        }
        catch (InvalidDataException error)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw new RpcException(StatusCode.Internal, $"Could not decompress a gzip message: {error.Message}");
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private static RpcException TooLarge(int limit, long compressedLength) => new(StatusCode.ResourceExhausted,
        $"Received message larger than max after decompression (over {limit} bytes from {compressedLength} compressed bytes vs. {limit}).");

    /// <summary>A rented buffer twice as large (at most <paramref name="cap"/> bytes) holding the first <paramref name="used"/> bytes.</summary>
    private static byte[] Grow(byte[] buffer, int used, long cap)
    {
        var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Min(buffer.Length * 2L, cap), Array.MaxLength));
        buffer.AsSpan(0, used).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        return larger;
    }
}
