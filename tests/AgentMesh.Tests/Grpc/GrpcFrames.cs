using System.Buffers.Binary;
using System.IO.Compression;
using Google.Protobuf;

namespace AgentMesh.Tests.Grpc;

/// <summary>Length-Prefixed-Messages built and taken apart by hand, so tests see the exact bytes on the wire.</summary>
public static class GrpcFrames
{
    /// <summary>One frame: <paramref name="flag"/> (the compressed flag byte), the big-endian length, <paramref name="payload"/>.</summary>
    public static byte[] Frame(byte[] payload, byte flag = 0)
    {
        var framed = new byte[5 + payload.Length];
        framed[0] = flag;
        BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1, 4), (uint)payload.Length);
        payload.CopyTo(framed, 5);
        return framed;
    }

    /// <summary>One uncompressed frame of <paramref name="message"/>.</summary>
    public static byte[] Frame(IMessage message) => Frame(message.ToByteArray());

    /// <summary>One frame of <paramref name="message"/> gzip-compressed, with compressed flag 1.</summary>
    public static byte[] GzipFrame(IMessage message) => Frame(Gzip(message.ToByteArray()), flag: 1);

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>The frames of a body: compressed flag and payload (decompressed when the flag is 1).</summary>
    public static List<(byte Flag, byte[] Message)> Split(byte[] body)
    {
        var frames = new List<(byte, byte[])>();
        for (var offset = 0; offset < body.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(offset + 1, 4));
            var payload = body.AsSpan(offset + 5, length).ToArray();
            frames.Add((body[offset], body[offset] == 1 ? Gunzip(payload) : payload));
            offset += 5 + length;
        }

        return frames;
    }

    private static byte[] Gunzip(byte[] data)
    {
        using var gzip = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
        using var output = new MemoryStream();
        gzip.CopyTo(output);
        return output.ToArray();
    }
}
