using System.Net;
using AgentMesh.Services.Agents.Loop;

namespace AgentMesh.Tests.Agents;

/// <summary>The class and the message for a person of a failed model call (the provider's text never goes into it).</summary>
public sealed class ModelFailuresTests
{
    [Theory]
    [InlineData(HttpStatusCode.Unauthorized, "fatal", "refused the credentials")]
    [InlineData(HttpStatusCode.Forbidden, "fatal", "refused the credentials")]
    [InlineData(HttpStatusCode.NotFound, "fatal", "rejected the request")]
    [InlineData(HttpStatusCode.TooManyRequests, "transient", "temporarily busy")]
    [InlineData(HttpStatusCode.ServiceUnavailable, "transient", "temporarily busy")]
    public void A_status_maps_to_its_class(HttpStatusCode status, string failureClass, string says)
    {
        var (actualClass, message) = ModelFailures.Describe(new HttpRequestException("provider says: secret detail", null, status), "writer");

        Assert.Equal(failureClass, actualClass);
        Assert.Contains(says, message, StringComparison.Ordinal);
        Assert.Contains("role writer", message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret detail", message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreachable_service_is_transient()
        => Assert.Equal("transient", ModelFailures.Describe(new HttpRequestException("connection refused"), "writer").FailureClass);
}
