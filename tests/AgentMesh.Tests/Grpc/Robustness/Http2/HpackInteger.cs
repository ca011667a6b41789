namespace AgentMesh.Tests.Grpc.Robustness.Http2;

/// <summary>HPACK integers with an N-bit prefix (RFC 7541 §5.1).</summary>
internal static class HpackInteger
{
    /// <summary>Appends <paramref name="value"/> with the high bits <paramref name="pattern"/> in the first octet.</summary>
    public static void Write(List<byte> output, byte pattern, int prefixBits, int value)
    {
        var max = (1 << prefixBits) - 1;
        if (value < max)
        {
            output.Add((byte)(pattern | value));
            return;
        }

        output.Add((byte)(pattern | max));
        value -= max;
        while (value >= 0x80)
        {
            output.Add((byte)(value % 0x80 + 0x80));
            value /= 0x80;
        }

        output.Add((byte)value);
    }

    /// <summary>Reads an integer whose prefix fills the low <paramref name="prefixBits"/> of <c>block[position]</c>; throws <see cref="InvalidDataException"/> when truncated or over 2^31.</summary>
    public static int Read(ReadOnlySpan<byte> block, ref int position, int prefixBits)
    {
        var max = (1 << prefixBits) - 1;
        long value = block[position++] & max;
        if (value < max)
        {
            return (int)value;
        }

        for (var shift = 0; ; shift += 7)
        {
            if (position >= block.Length || shift > 28)
            {
                throw new InvalidDataException("HPACK integer is truncated or too large.");
            }

            var octet = block[position++];
            value += (long)(octet & 0x7f) << shift;
            if ((octet & 0x80) == 0)
            {
                return value <= int.MaxValue ? (int)value : throw new InvalidDataException("HPACK integer is too large.");
            }
        }
    }
}
