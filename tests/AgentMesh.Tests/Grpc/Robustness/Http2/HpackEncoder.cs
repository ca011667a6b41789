using System.Text;

namespace AgentMesh.Tests.Grpc.Robustness.Http2;

/// <summary>
/// Encodes a header list as HPACK literal header fields without indexing, with literal names and
/// no Huffman coding (RFC 7541 §6.2.2). Stateless: a block can be sent on any connection, in any
/// order, or not at all. Strings are Latin-1, one octet per char, so tests can send any byte.
/// </summary>
public static class HpackEncoder
{
    public static byte[] Encode(IEnumerable<(string Name, string Value)> headers)
    {
        var output = new List<byte>();
        foreach (var (name, value) in headers)
        {
            output.Add(0x00);
            WriteString(output, name);
            WriteString(output, value);
        }

        return output.ToArray();
    }

    private static void WriteString(List<byte> output, string value)
    {
        var bytes = Encoding.Latin1.GetBytes(value);
        HpackInteger.Write(output, 0x00, 7, bytes.Length);
        output.AddRange(bytes);
    }
}
