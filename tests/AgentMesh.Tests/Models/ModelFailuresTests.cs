using System.Net;
using AgentMesh.Models;

namespace AgentMesh.Tests.Models;

/// <summary>The class and the message for a person of a failed model call (the provider's text never goes into it).</summary>
public sealed class ModelFailuresTests
{
    [Theory]
    [InlineData(HttpStatusCode.Unauthorized, true, "refused the credentials")]
    [InlineData(HttpStatusCode.Forbidden, true, "refused the credentials")]
    [InlineData(HttpStatusCode.NotFound, true, "rejected the request")]
    [InlineData(HttpStatusCode.TooManyRequests, false, "temporarily busy")]
    [InlineData(HttpStatusCode.ServiceUnavailable, false, "temporarily busy")]
    public void A_status_maps_to_fatal_or_transient(HttpStatusCode status, bool fatal, string says)
    {
        var (actualFatal, message) = ModelFailures.Describe(new HttpRequestException("provider says: secret detail", null, status), "writer");

        Assert.Equal(fatal, actualFatal);
        Assert.Contains(says, message, StringComparison.Ordinal);
        Assert.Contains("role writer", message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret detail", message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreachable_service_is_transient()
        => Assert.False(ModelFailures.Describe(new HttpRequestException("connection refused"), "writer").Fatal);
}
