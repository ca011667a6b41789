using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Google.Protobuf;

namespace AgentMesh.Grpc.Internal.Wire;

/// <summary>
/// Reads Length-Prefixed-Messages from a body, however they are split over (or packed into)
/// HTTP/2 DATA frames, decompressing gzip messages in place. Errors are <see cref="RpcException"/>s:
/// RESOURCE_EXHAUSTED for a message over <c>maxMessageSize</c> (before or after decompression),
/// INTERNAL for a truncated or unparsable message, a compressed flag without a usable <c>grpc-encoding</c>,
/// or a payload that is not gzip.
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
        _encoding = string.IsNullOrEmpty(encoding) || encoding == MessageCompression.Identity ? null : encoding;
    }

    /// <summary>Whether the last message read had its compressed flag set.</summary>
    public bool LastMessageCompressed { get; private set; }

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
        if (_maxMessageSize is { } max && length > max)
        {
            throw new RpcException(StatusCode.ResourceExhausted, $"Received message larger than max ({length} vs. {max}).");
        }

        if (buffer.Length < MessageFraming.HeaderSize + length)
        {
            return false;
        }

        var payload = buffer.Slice(MessageFraming.HeaderSize, length);
        message = compressed switch
        {
            0 => Parse(parser, payload),
            1 => ParseCompressed(parser, payload),
            _ => throw new RpcException(StatusCode.Internal, $"Invalid compressed flag {compressed} in message header."),
        };
        LastMessageCompressed = compressed == 1;
        buffer = buffer.Slice(payload.End);
        return true;
    }

    private T ParseCompressed<T>(MessageParser<T> parser, ReadOnlySequence<byte> payload)
        where T : class, IMessage<T>
    {
        if (_encoding != MessageCompression.Gzip)
        {
            throw new RpcException(StatusCode.Internal,
                _encoding is null
                    ? "Invalid compressed flag: a compressed message arrived without grpc-encoding."
                    : $"Message encoding '{_encoding}' is not supported; supported: {GrpcHeaders.SupportedEncodings}.");
        }

        var buffer = MessageCompression.Decompress(payload, _maxMessageSize, out var length);
        try
        {
            return Parse(parser, new ReadOnlySequence<byte>(buffer, 0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static T Parse<T>(MessageParser<T> parser, ReadOnlySequence<byte> payload)
        where T : class, IMessage<T>
    {
        try
        {
            return payload.IsSingleSegment ? parser.ParseFrom(payload.FirstSpan) : parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException error)
        {
            throw new RpcException(StatusCode.Internal, $"Could not parse the message as {typeof(T).Name}: {error.Message}");
        }
    }
}
