using System.Text;

namespace AgentMesh.Tests.Grpc.Robustness.Http2;

/// <summary>
/// Decodes HPACK header blocks (RFC 7541): indexed fields, literals with and without indexing,
/// dynamic table size updates, Huffman-coded strings. One decoder per connection; blocks must be
/// decoded in the order they arrive. Strings are returned as Latin-1 (one char per octet).
/// Throws <see cref="InvalidDataException"/> for a malformed block.
/// </summary>
public sealed class HpackDecoder(int maxTableSize = 4096)
{
    private const int EntryOverhead = 32;

    private readonly List<(string Name, string Value)> _dynamic = new(); // newest first
    private readonly int _maxTableSize = maxTableSize;
    private int _tableSize;
    private int _capacity = maxTableSize;

    public List<(string Name, string Value)> Decode(ReadOnlySpan<byte> block)
    {
        var fields = new List<(string, string)>();
        var position = 0;
        while (position < block.Length)
        {
            var first = block[position];
            if ((first & 0x80) != 0)
            {
                fields.Add(Lookup(HpackInteger.Read(block, ref position, 7)));
            }
            else if ((first & 0x40) != 0)
            {
                var field = ReadLiteral(block, ref position, 6);
                Insert(field);
                fields.Add(field);
            }
            else if ((first & 0x20) != 0)
            {
                var size = HpackInteger.Read(block, ref position, 5);
                if (size > _maxTableSize)
                {
                    throw new InvalidDataException($"Dynamic table size update to {size} exceeds the limit {_maxTableSize}.");
                }

                _capacity = size;
                Evict(0);
            }
            else
            {
                fields.Add(ReadLiteral(block, ref position, 4));
            }
        }

        return fields;
    }

    private (string Name, string Value) ReadLiteral(ReadOnlySpan<byte> block, ref int position, int prefixBits)
    {
        var index = HpackInteger.Read(block, ref position, prefixBits);
        var name = index == 0 ? ReadString(block, ref position) : Lookup(index).Name;
        return (name, ReadString(block, ref position));
    }

    private static string ReadString(ReadOnlySpan<byte> block, ref int position)
    {
        if (position >= block.Length)
        {
            throw new InvalidDataException("HPACK string literal is missing.");
        }

        var huffman = (block[position] & 0x80) != 0;
        var length = HpackInteger.Read(block, ref position, 7);
        if (length > block.Length - position)
        {
            throw new InvalidDataException("HPACK string literal is truncated.");
        }

        var raw = block.Slice(position, length);
        position += length;
        return Encoding.Latin1.GetString(huffman ? HpackHuffman.Decode(raw) : raw);
    }

    private (string Name, string Value) Lookup(int index)
    {
        if (index >= 1 && index <= HpackStaticTable.Entries.Length)
        {
            return HpackStaticTable.Entries[index - 1];
        }

        var dynamicIndex = index - HpackStaticTable.Entries.Length - 1;
        return dynamicIndex >= 0 && dynamicIndex < _dynamic.Count
            ? _dynamic[dynamicIndex]
            : throw new InvalidDataException($"HPACK index {index} is not in the table.");
    }

    private void Insert((string Name, string Value) field)
    {
        var size = field.Name.Length + field.Value.Length + EntryOverhead;
        Evict(size);
        if (size <= _capacity)
        {
            _dynamic.Insert(0, field);
            _tableSize += size;
        }
    }

    /// <summary>Evicts the oldest entries until <paramref name="room"/> more octets fit.</summary>
    private void Evict(int room)
    {
        while (_dynamic.Count > 0 && _tableSize + room > _capacity)
        {
            var oldest = _dynamic[^1];
            _dynamic.RemoveAt(_dynamic.Count - 1);
            _tableSize -= oldest.Name.Length + oldest.Value.Length + EntryOverhead;
        }
    }
}
