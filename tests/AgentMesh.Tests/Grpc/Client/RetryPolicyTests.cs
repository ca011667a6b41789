using AgentMesh.Grpc;
using AgentMesh.Grpc.Client;
using Xunit;

namespace AgentMesh.Tests.Grpc.Client;

public sealed class RetryPolicyTests
{
    [Fact]
    public void Defaults_retry_UNAVAILABLE_five_times_in_all()
    {
        var policy = new RetryPolicy();

        Assert.Equal(5, policy.MaxAttempts);
        Assert.Equal(new[] { StatusCode.Unavailable }, policy.RetryableStatusCodes);
        Assert.NotNull(new GrpcChannelOptions().RetryPolicy);
    }

    [Fact]
    public void Invalid_settings_are_rejected_naming_the_setting()
    {
        Assert.Equal(RetryPolicy.MaxAttemptsLimit, new RetryPolicy { MaxAttempts = 50 }.MaxAttempts);
        Assert.Contains("RetryPolicy.MaxAttempts", Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy { MaxAttempts = 1 }).Message);
        Assert.Contains("RetryPolicy.InitialBackoff", Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy { InitialBackoff = TimeSpan.Zero }).Message);
        Assert.Contains("RetryPolicy.BackoffMultiplier", Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy { BackoffMultiplier = 0 }).Message);
        Assert.Throws<ArgumentException>(() => new RetryPolicy { RetryableStatusCodes = new HashSet<StatusCode>() });
        Assert.Throws<ArgumentException>(() => new RetryPolicy { RetryableStatusCodes = new HashSet<StatusCode> { StatusCode.OK } });
    }

    [Fact]
    public void Backoff_is_drawn_below_the_exponential_bound_capped_by_MaxBackoff()
    {
        var policy = new RetryPolicy
        {
            InitialBackoff = TimeSpan.FromMilliseconds(100),
            BackoffMultiplier = 3,
            MaxBackoff = TimeSpan.FromMilliseconds(500),
        };

        var bounds = new[] { 100.0, 300, 500, 500 };
        for (var retry = 1; retry <= bounds.Length; retry++)
        {
            var draws = Enumerable.Range(0, 500).Select(_ => policy.Backoff(retry).TotalMilliseconds).ToList();
            Assert.All(draws, draw => Assert.InRange(draw, 0, bounds[retry - 1]));
            Assert.True(draws.Max() > bounds[retry - 1] / 2, $"retry {retry}: draws spread over the whole range");
        }
    }
}
