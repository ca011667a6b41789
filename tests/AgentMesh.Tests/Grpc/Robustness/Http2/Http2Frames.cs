using System.Buffers.Binary;

namespace AgentMesh.Tests.Grpc.Robustness.Http2;

/// <summary>Builds well-formed frames of each type (RFC 9113 §6); tests change them to make malformed ones.</summary>
public static class Http2Frames
{
    public static Http2Frame Data(int streamId, byte[] data, bool endStream)
        => new(FrameType.Data, endStream ? FrameFlags.EndStream : FrameFlags.None, streamId, data);

    public static Http2Frame Headers(int streamId, byte[] headerBlock, bool endStream, bool endHeaders = true)
        => new(FrameType.Headers, (endStream ? FrameFlags.EndStream : FrameFlags.None) | (endHeaders ? FrameFlags.EndHeaders : FrameFlags.None),
            streamId, headerBlock);

    public static Http2Frame Continuation(int streamId, byte[] headerBlock, bool endHeaders)
        => new(FrameType.Continuation, endHeaders ? FrameFlags.EndHeaders : FrameFlags.None, streamId, headerBlock);

    public static Http2Frame RstStream(int streamId, Http2ErrorCode code) => new(FrameType.RstStream, FrameFlags.None, streamId, UInt32((uint)code));

    public static Http2Frame Settings(params (Http2SettingId Id, uint Value)[] settings)
    {
        var payload = new byte[6 * settings.Length];
        for (var i = 0; i < settings.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(payload.AsSpan(6 * i, 2), (ushort)settings[i].Id);
            BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan(6 * i + 2, 4), settings[i].Value);
        }

        return new Http2Frame(FrameType.Settings, FrameFlags.None, 0, payload);
    }

    public static Http2Frame SettingsAck() => new(FrameType.Settings, FrameFlags.Ack, 0, Array.Empty<byte>());

    /// <summary>A PING carrying <paramref name="opaque"/> as its 8 payload bytes.</summary>
    public static Http2Frame Ping(ulong opaque, bool ack = false)
    {
        var payload = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(payload, opaque);
        return new Http2Frame(FrameType.Ping, ack ? FrameFlags.Ack : FrameFlags.None, 0, payload);
    }

    public static Http2Frame GoAway(int lastStreamId, Http2ErrorCode code)
    {
        var payload = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(payload.AsSpan(0, 4), lastStreamId);
        BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan(4, 4), (uint)code);
        return new Http2Frame(FrameType.GoAway, FrameFlags.None, 0, payload);
    }

    public static Http2Frame WindowUpdate(int streamId, uint increment) => new(FrameType.WindowUpdate, FrameFlags.None, streamId, UInt32(increment));

    private static byte[] UInt32(uint value)
    {
        var payload = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(payload, value);
        return payload;
    }
}
