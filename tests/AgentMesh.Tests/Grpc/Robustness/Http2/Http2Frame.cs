using System.Buffers.Binary;

namespace AgentMesh.Tests.Grpc.Robustness.Http2;

/// <summary>
/// One HTTP/2 frame (RFC 9113 §4.1): a 9-byte header (24-bit payload length, type, flags, reserved
/// bit and 31-bit stream id) followed by the payload.
/// </summary>
public sealed record Http2Frame(FrameType Type, FrameFlags Flags, int StreamId, byte[] Payload)
{
    public const int HeaderSize = 9;

    /// <summary>The frame on the wire; <paramref name="declaredLength"/> replaces the length field (to send a frame that lies about its size).</summary>
    public byte[] Encode(int? declaredLength = null)
    {
        var bytes = new byte[HeaderSize + Payload.Length];
        var length = declaredLength ?? Payload.Length;
        bytes[0] = (byte)(length >> 16);
        bytes[1] = (byte)(length >> 8);
        bytes[2] = (byte)length;
        bytes[3] = (byte)Type;
        bytes[4] = (byte)Flags;
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(5, 4), StreamId & int.MaxValue);
        Payload.CopyTo(bytes, HeaderSize);
        return bytes;
    }

    /// <summary>Reads the next frame; null when the peer closed the connection at a frame boundary. Throws <see cref="EndOfStreamException"/> inside a frame.</summary>
    public static async Task<Http2Frame?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var header = new byte[HeaderSize];
        var read = await stream.ReadAtLeastAsync(header, HeaderSize, throwOnEndOfStream: false, cancellationToken);
        if (read == 0)
        {
            return null;
        }

        if (read < HeaderSize)
        {
            throw new EndOfStreamException("The connection ended inside a frame header.");
        }

        var length = (header[0] << 16) | (header[1] << 8) | header[2];
        var payload = new byte[length];
        await stream.ReadExactlyAsync(payload, cancellationToken);
        var streamId = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(5, 4)) & int.MaxValue;
        return new Http2Frame((FrameType)header[3], (FrameFlags)header[4], streamId, payload);
    }
}
