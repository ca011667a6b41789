namespace AgentMesh.Tests.Grpc.Robustness.Http2;

/// <summary>
/// Decodes Huffman-coded HPACK string literals (RFC 7541 §5.2, Appendix B). The code is canonical,
/// so the table below holds only each symbol's code length (symbols 0–255, then EOS); the codes
/// follow from the lengths by assigning consecutive values in (length, symbol) order.
/// </summary>
internal static class HpackHuffman
{
    private const int Eos = 256;
    private const int MaxLength = 30;

    private static readonly byte[] Lengths =
    {
        13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28,
        28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
        6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6,
        5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
        13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
        7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
        15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5,
        6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
        20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23,
        24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
        22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23,
        21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
        26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25,
        19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
        20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23,
        26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
        30,
    };

    // Symbols sorted by (length, symbol); CountOf[n] symbols have length n.
    private static readonly int[] Sorted = Enumerable.Range(0, Lengths.Length).OrderBy(s => Lengths[s]).ThenBy(s => s).ToArray();
    private static readonly int[] CountOf = Enumerable.Range(0, MaxLength + 1).Select(n => Lengths.Count(l => l == n)).ToArray();

    /// <summary>The decoded octets; throws <see cref="InvalidDataException"/> for EOS in the data, padding over 7 bits, or padding that is not all ones.</summary>
    public static byte[] Decode(ReadOnlySpan<byte> encoded)
    {
        var output = new List<byte>(encoded.Length * 8 / 5);
        var code = 0;      // bits of the current symbol read so far
        var length = 0;    // how many
        var first = 0;     // first code of this length
        var index = 0;     // position in Sorted of the first symbol of this length
        var allOnes = true;
        foreach (var octet in encoded)
        {
            for (var bit = 7; bit >= 0; bit--)
            {
                var value = (octet >> bit) & 1;
                code = (code << 1) | value;
                allOnes &= value == 1;
                length++;
                if (code - first < CountOf[length])
                {
                    var symbol = Sorted[index + code - first];
                    if (symbol == Eos)
                    {
                        throw new InvalidDataException("Huffman-coded string contains EOS.");
                    }

                    output.Add((byte)symbol);
                    (code, length, first, index, allOnes) = (0, 0, 0, 0, true);
                    continue;
                }

                index += CountOf[length];
                first = (first + CountOf[length]) << 1;
                if (length == MaxLength)
                {
                    throw new InvalidDataException("Invalid Huffman code.");
                }
            }
        }

        if (length > 7 || !allOnes)
        {
            throw new InvalidDataException("Huffman padding is longer than 7 bits or not the EOS prefix.");
        }

        return output.ToArray();
    }
}
