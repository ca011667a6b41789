using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;

namespace AgentMesh.Grpc.Internal.Wire;

/// <summary>
/// Writes Length-Prefixed-Messages: a compressed flag (1 byte: 1 when the message is gzip-compressed),
/// the length of what follows (4 bytes, big-endian) and the serialized, possibly compressed, message.
/// </summary>
internal static class MessageFraming
{
    public const int HeaderSize = 5;

    /// <summary>Writes one framed message into <paramref name="writer"/>, gzip-compressed when <paramref name="compress"/>.</summary>
    public static void Write(IBufferWriter<byte> writer, IMessage message, bool compress)
    {
        if (compress)
        {
            writer.Write(Frame(message, compress: true));
            return;
        }

        var size = message.CalculateSize();
        var span = writer.GetSpan(HeaderSize + size);
        WriteHeader(span, compressed: false, size);
        message.WriteTo(span.Slice(HeaderSize, size));
        writer.Advance(HeaderSize + size);
    }

    /// <summary>
    /// One framed message, serialized straight into the returned buffer; when <paramref name="compress"/>,
    /// the gzip output is written into it behind the header.
    /// </summary>
    public static ArraySegment<byte> Frame(IMessage message, bool compress)
    {
        var size = message.CalculateSize();
        if (!compress)
        {
            var frame = new byte[HeaderSize + size];
            WriteHeader(frame, compressed: false, size);
            message.WriteTo(frame.AsSpan(HeaderSize));
            return frame;
        }

        var serialized = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            message.WriteTo(serialized.AsSpan(0, size));
            var output = new MemoryStream(HeaderSize + size / 2 + 64);
            output.SetLength(HeaderSize);
            output.Position = HeaderSize;
            MessageCompression.Compress(serialized.AsSpan(0, size), output);
            var buffer = output.GetBuffer();
            var length = (int)output.Length;
            WriteHeader(buffer, compressed: true, length - HeaderSize);
            return new ArraySegment<byte>(buffer, 0, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(serialized);
        }
    }

    private static void WriteHeader(Span<byte> destination, bool compressed, int length)
    {
        destination[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(1, 4), (uint)length);
    }
}
