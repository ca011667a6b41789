using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Pipelines;
using Google.Protobuf;

namespace AgentMesh.Grpc.Internal.Wire;

/// <summary>
/// Reads Length-Prefixed-Messages from a body, however they are split over (or packed into)
/// HTTP/2 DATA frames. Errors are <see cref="RpcException"/>s: RESOURCE_EXHAUSTED for a message
/// over <c>maxMessageSize</c>, INTERNAL for a truncated message or an unusable compressed flag.
/// </summary>
internal sealed class MessageReader
{
    private readonly PipeReader _reader;
    private readonly int? _maxMessageSize;
    private readonly string? _encoding;
    private bool _ended;

    /// <param name="reader">The body.</param>
    /// <param name="maxMessageSize">Largest accepted message in bytes; null means unlimited.</param>
    /// <param name="encoding">The peer's <c>grpc-encoding</c> (null or <c>identity</c> means none).</param>
    public MessageReader(PipeReader reader, int? maxMessageSize, string? encoding)
    {
        _reader = reader;
        _maxMessageSize = maxMessageSize;
        _encoding = string.IsNullOrEmpty(encoding) || encoding == "identity" ? null : encoding;
    }

    /// <summary>True once the body is known to have ended after the last message read.</summary>
    public bool Ended => _ended;

    /// <summary>
    /// Reads the next message only if it is already buffered, without waiting; false when more
    /// data is needed or the body ended (then use <see cref="ReadAsync{T}"/>). Throws like it.
    /// </summary>
    public bool TryReadBuffered<T>(MessageParser<T> parser, out T? message)
        where T : class, IMessage<T>
    {
        message = null;
        if (_ended || !_reader.TryRead(out var result))
        {
            return false;
        }

        var buffer = result.Buffer;
        if (!result.IsCanceled && TryParse(ref buffer, parser, out message))
        {
            _ended = result.IsCompleted && buffer.IsEmpty;
            _reader.AdvanceTo(buffer.Start);
            return true;
        }

        // Nothing consumed or examined: the next ReadAsync sees the same data at once.
        _reader.AdvanceTo(buffer.Start);
        return false;
    }

    /// <summary>The next message, or null at the end of the body.</summary>
    public async ValueTask<T?> ReadAsync<T>(MessageParser<T> parser, CancellationToken cancellationToken)
        where T : class, IMessage<T>
    {
        while (!_ended)
        {
            var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (TryParse(ref buffer, parser, out var message))
            {
                // A body that ended right after this message needs no further read to report its end.
                _ended = result.IsCompleted && buffer.IsEmpty;
                _reader.AdvanceTo(buffer.Start);
                return message;
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                var leftover = buffer.Length;
                _reader.AdvanceTo(buffer.End);
                if (leftover == 0)
                {
                    return null;
                }

                throw new RpcException(StatusCode.Internal, "Incomplete message: the stream ended inside a message.");
            }

            _reader.AdvanceTo(buffer.Start, buffer.End);
        }

        return null;
    }

    private bool TryParse<T>(ref ReadOnlySequence<byte> buffer, MessageParser<T> parser, out T? message)
        where T : class, IMessage<T>
    {
        message = null;
        if (buffer.Length < MessageFraming.HeaderSize)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[MessageFraming.HeaderSize];
        buffer.Slice(0, MessageFraming.HeaderSize).CopyTo(header);
        var compressed = header[0];
        var length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        CheckSize(length);
        if (buffer.Length < MessageFraming.HeaderSize + length)
        {
            return false;
        }

        var payload = buffer.Slice(MessageFraming.HeaderSize, length);
        message = compressed switch
        {
            0 => payload.IsSingleSegment ? parser.ParseFrom(payload.FirstSpan) : parser.ParseFrom(payload),
            1 => parser.ParseFrom(Decompress(payload)),
            _ => throw new RpcException(StatusCode.Internal, $"Invalid compressed flag {compressed} in message header."),
        };
        buffer = buffer.Slice(payload.End);
        return true;
    }

    private void CheckSize(long length)
    {
        if (_maxMessageSize is { } max && length > max)
        {
            throw new RpcException(StatusCode.ResourceExhausted, $"Received message larger than max ({length} vs. {max}).");
        }
    }

    private byte[] Decompress(ReadOnlySequence<byte> payload)
    {
        if (_encoding != "gzip")
        {
            throw new RpcException(StatusCode.Internal,
                _encoding is null
                    ? "Compressed message received without grpc-encoding."
                    : $"Unsupported grpc-encoding '{_encoding}'; supported: {GrpcHeaders.SupportedEncodings}.");
        }

        using var input = new MemoryStream(payload.ToArray());
        using var gzip = new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = gzip.Read(chunk, 0, chunk.Length)) > 0)
        {
            output.Write(chunk, 0, read);
            CheckSize(output.Length);
        }

        return output.ToArray();
    }
}
