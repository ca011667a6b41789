using System.Buffers;
using System.Buffers.Binary;

namespace AgentMesh.Grpc.Internal.Wire;

/// <summary>
/// The trailer of a gzip member (RFC 1952 §2.3): CRC-32, then ISIZE, the uncompressed size mod 2^32,
/// both little-endian. <see cref="System.IO.Compression.GZipStream"/> stops quietly where cut-off
/// input ends, so a decompressed size that disagrees with ISIZE marks a truncated message.
/// </summary>
internal static class GzipTrailer
{
    /// <summary>A 10-byte header and the 8-byte trailer; real members also hold at least 2 bytes of deflate data.</summary>
    private const int MinimumMemberSize = 18;

    /// <summary>True when <paramref name="member"/> ends with the trailer of <paramref name="decompressedLength"/> bytes.</summary>
    public static bool Matches(ReadOnlySequence<byte> member, long decompressedLength)
    {
        if (member.Length < MinimumMemberSize)
        {
            return false;
        }

        Span<byte> size = stackalloc byte[4];
        member.Slice(member.Length - 4).CopyTo(size);
        return BinaryPrimitives.ReadUInt32LittleEndian(size) == (uint)decompressedLength;
    }
}
