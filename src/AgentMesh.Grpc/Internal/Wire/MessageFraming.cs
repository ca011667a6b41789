using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;

namespace AgentMesh.Grpc.Internal.Wire;

/// <summary>
/// Writes Length-Prefixed-Messages: a compressed flag (1 byte, always 0 here), the message length
/// (4 bytes, big-endian) and the serialized message.
/// </summary>
internal static class MessageFraming
{
    public const int HeaderSize = 5;

    /// <summary>Writes one framed, uncompressed message into <paramref name="writer"/>.</summary>
    public static void Write(IBufferWriter<byte> writer, IMessage message)
    {
        var size = message.CalculateSize();
        var span = writer.GetSpan(HeaderSize + size);
        span[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(span.Slice(1, 4), (uint)size);
        message.WriteTo(span.Slice(HeaderSize, size));
        writer.Advance(HeaderSize + size);
    }

    /// <summary>One framed, uncompressed message as a new array.</summary>
    public static byte[] Frame(IMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>(HeaderSize + message.CalculateSize());
        Write(buffer, message);
        return buffer.WrittenSpan.ToArray();
    }
}
