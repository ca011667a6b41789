using Xunit;

namespace AgentMesh.Tests.Grpc.Robustness.Http2;

/// <summary>The test client's HPACK decoder against the examples of RFC 7541 Appendix C.</summary>
public sealed class HpackDecoderTests
{
    [Fact]
    public void Decodes_requests_without_Huffman_sharing_the_dynamic_table()
    {
        var decoder = new HpackDecoder();

        Assert.Equal(
            [(":method", "GET"), (":scheme", "http"), (":path", "/"), (":authority", "www.example.com")],
            decoder.Decode(Convert.FromHexString("828684410f7777772e6578616d706c652e636f6d")));
        Assert.Equal(
            [(":method", "GET"), (":scheme", "http"), (":path", "/"), (":authority", "www.example.com"), ("cache-control", "no-cache")],
            decoder.Decode(Convert.FromHexString("828684be58086e6f2d6361636865")));
        Assert.Equal(
            [(":method", "GET"), (":scheme", "https"), (":path", "/index.html"), (":authority", "www.example.com"), ("custom-key", "custom-value")],
            decoder.Decode(Convert.FromHexString("828785bf400a637573746f6d2d6b65790c637573746f6d2d76616c7565")));
    }

    [Fact]
    public void Decodes_Huffman_coded_requests()
    {
        var decoder = new HpackDecoder();

        Assert.Equal(
            [(":method", "GET"), (":scheme", "http"), (":path", "/"), (":authority", "www.example.com")],
            decoder.Decode(Convert.FromHexString("828684418cf1e3c2e5f23a6ba0ab90f4ff")));
        Assert.Equal(
            [(":method", "GET"), (":scheme", "http"), (":path", "/"), (":authority", "www.example.com"), ("cache-control", "no-cache")],
            decoder.Decode(Convert.FromHexString("828684be5886a8eb10649cbf")));
        Assert.Equal(
            [(":method", "GET"), (":scheme", "https"), (":path", "/index.html"), (":authority", "www.example.com"), ("custom-key", "custom-value")],
            decoder.Decode(Convert.FromHexString("828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf")));
    }

    [Fact]
    public void Decodes_Huffman_coded_responses_with_eviction_from_a_256_octet_table()
    {
        var decoder = new HpackDecoder(maxTableSize: 256);
        const string Location = "https://www.example.com";

        Assert.Equal(
            [(":status", "302"), ("cache-control", "private"), ("date", "Mon, 21 Oct 2013 20:13:21 GMT"), ("location", Location)],
            decoder.Decode(Convert.FromHexString(
                "488264025885aec3771a4b6196d07abe941054d444a8200595040b8166e082a62d1bff6e919d29ad171863c78f0b97c8e9ae82ae43d3")));
        Assert.Equal(
            [(":status", "307"), ("cache-control", "private"), ("date", "Mon, 21 Oct 2013 20:13:21 GMT"), ("location", Location)],
            decoder.Decode(Convert.FromHexString("4883640effc1c0bf")));
        Assert.Equal(
            [
                (":status", "200"), ("cache-control", "private"), ("date", "Mon, 21 Oct 2013 20:13:22 GMT"), ("location", Location),
                ("content-encoding", "gzip"), ("set-cookie", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"),
            ],
            decoder.Decode(Convert.FromHexString(
                "88c16196d07abe941054d444a8200595040b8166e084a62d1bffc05a839bd9ab77ad94e7821dd7f2e6c7b335dfdfcd5b3960d5af27087f3672c1ab270fb5291f9587316065c003ed4ee5b1063d5007")));
    }

    [Fact]
    public void Decodes_what_the_encoder_wrote_including_long_strings()
    {
        var headers = new[] { ("x-long", new string('v', 1000)), (new string('n', 200), "\u00ff\u0001") };

        Assert.Equal(headers, new HpackDecoder().Decode(HpackEncoder.Encode(headers)));
    }

    [Theory]
    [InlineData("ff")]                    // indexed field with a truncated integer
    [InlineData("be")]                    // index 62: the dynamic table is empty
    [InlineData("000a6b")]                // string shorter than its length
    [InlineData("0081000100")]            // Huffman string whose padding is not the EOS prefix (0x00: "0" then 000)
    [InlineData("3fe21f")]                // table size update to 4097, above the 4096 limit
    public void Rejects_malformed_blocks(string hex)
    {
        Assert.Throws<InvalidDataException>(() => new HpackDecoder().Decode(Convert.FromHexString(hex)));
    }
}
