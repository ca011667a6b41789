using AgentMesh.Grpc.Internal.Wire;
using Xunit;

namespace AgentMesh.Tests.Grpc;

public sealed class WireFormatTests
{
    [Theory]
    [InlineData("2H", 2 * 3600_000_000_0L)]
    [InlineData("3M", 3 * 60_000_000_0L)]
    [InlineData("5S", 5 * 1_000_000_0L)]
    [InlineData("250m", 250 * 10_000L)]
    [InlineData("1500u", 15_000L)]
    [InlineData("99999999n", 999_999L)]
    public void Timeout_header_parses_every_unit(string header, long ticks)
    {
        Assert.True(TimeoutHeader.TryParse(header, out var timeout));
        Assert.Equal(ticks, timeout.Ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("123456789S")]
    [InlineData("-1S")]
    [InlineData("5x")]
    public void Timeout_header_rejects_malformed_values(string header)
        => Assert.False(TimeoutHeader.TryParse(header, out _));

    [Fact]
    public void Timeout_header_formats_with_at_most_eight_digits_and_round_trips()
    {
        foreach (var timeout in new[] { TimeSpan.FromMilliseconds(1.5), TimeSpan.FromSeconds(30), TimeSpan.FromDays(3), TimeSpan.FromDays(40_000) })
        {
            var header = TimeoutHeader.Format(timeout);
            Assert.InRange(header.Length, 2, 9);
            Assert.True(TimeoutHeader.TryParse(header, out var parsed));
            Assert.True(parsed >= timeout, $"{header} < {timeout}");
        }
    }

    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("100%", "100%25")]
    [InlineData("ü\n", "%C3%BC%0A")]
    public void Status_message_is_percent_encoded_as_UTF8(string message, string wire)
    {
        Assert.Equal(wire, StatusMessageCodec.Encode(message));
        Assert.Equal(message, StatusMessageCodec.Decode(wire));
    }

    [Fact]
    public void Status_message_decoding_is_lenient()
        => Assert.Equal("50% off %zz %", StatusMessageCodec.Decode("50% off %zz %"));
}
