using System.ClientModel;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace AgentMesh.Tests.Models;

/// <summary>
/// How provider "openai" behaves when the endpoint (the FAKE OpenAI-compatible server) fails. The OpenAI SDK's retry
/// policy handles it: 429 and 5xx are retried up to 3 times, after 0.8 s, 1.6 s, 3.2 s or the answer's <c>Retry-After</c>
/// (or <c>retry-after-ms</c>) when longer, never more than <c>Models:MaxRetryDelay</c>; other errors surface at once. Either way the error is a <see cref="ClientResultException"/> carrying the
/// status and the endpoint's error message.
/// </summary>
public sealed class ModelEndpointFailureTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private FakeOpenAIServer _server = null!;
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeOpenAIServer.StartAsync();
        _services = ModelProviderServices.Build(new()
        {
            ["Models:Provider"] = "openai",
            ["Models:Default:Endpoint"] = $"{_server.BaseAddress}v1",
            ["Models:Default:ApiKey"] = "sk-test",
            ["Models:Default:Model"] = "gpt-test",
        });
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Too_many_requests_is_retried_after_the_retry_after_delay_and_then_succeeds()
    {
        _server.Replies.Enqueue(FakeOpenAIReply.Error(429, "Rate limit reached for gpt-test.", "rate_limit_exceeded", new Dictionary<string, string> { ["Retry-After"] = "2" }));
        _server.Replies.Enqueue(FakeOpenAIReply.Stream("stop", """{"role":"assistant","content":"after the wait"}"""));

        var response = await _services.ChatClient().GetStreamingResponseAsync("hi").ToChatResponseAsync().WaitAsync(Timeout);

        Assert.Equal("after the wait", response.Text);
        var requests = _server.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.InRange(requests[1].ReceivedAt - requests[0].ReceivedAt, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_retry_after_in_milliseconds_as_Azure_sends_it_is_honoured()
    {
        _server.Replies.Enqueue(FakeOpenAIReply.Error(429, "Rate limit reached for gpt-test.", "rate_limit_exceeded", new Dictionary<string, string> { ["retry-after-ms"] = "2500" }));
        _server.Replies.Enqueue(FakeOpenAIReply.Stream("stop", """{"role":"assistant","content":"after the wait"}"""));

        var response = await _services.ChatClient().GetStreamingResponseAsync("hi").ToChatResponseAsync().WaitAsync(Timeout);

        Assert.Equal("after the wait", response.Text);
        var requests = _server.Requests.ToArray();
        Assert.InRange(requests[1].ReceivedAt - requests[0].ReceivedAt, TimeSpan.FromSeconds(2.4), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_retry_after_longer_than_Models_MaxRetryDelay_waits_only_that_long()
    {
        await using var capped = ModelProviderServices.Build(new()
        {
            ["Models:Provider"] = "openai",
            ["Models:Default:Endpoint"] = $"{_server.BaseAddress}v1",
            ["Models:Default:ApiKey"] = "sk-test",
            ["Models:Default:Model"] = "gpt-test",
            ["Models:MaxRetryDelay"] = "00:00:01.500",
        });
        _server.Replies.Enqueue(FakeOpenAIReply.Error(429, "Rate limit reached for gpt-test.", "rate_limit_exceeded", new Dictionary<string, string> { ["Retry-After"] = "3600" }));
        _server.Replies.Enqueue(FakeOpenAIReply.Stream("stop", """{"role":"assistant","content":"after the capped wait"}"""));

        var response = await capped.ChatClient().GetStreamingResponseAsync("hi").ToChatResponseAsync().WaitAsync(Timeout);

        Assert.Equal("after the capped wait", response.Text);
        var requests = _server.Requests.ToArray();
        Assert.InRange(requests[1].ReceivedAt - requests[0].ReceivedAt, TimeSpan.FromSeconds(1.4), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Server_error_is_retried_three_times_with_growing_delays_then_surfaces_with_its_status()
    {
        _server.DefaultReply = FakeOpenAIReply.Error(500, "The server had an error while processing your request.", "server_error");

        var error = await Assert.ThrowsAsync<ClientResultException>(() => _services.ChatClient().GetStreamingResponseAsync("hi").ToChatResponseAsync().WaitAsync(Timeout));

        Assert.Equal(500, error.Status);
        Assert.Contains("The server had an error", error.Message);
        var times = _server.Requests.Select(r => r.ReceivedAt).ToArray();
        Assert.Equal(4, times.Length);
        Assert.InRange(times[1] - times[0], TimeSpan.FromSeconds(0.7), TimeSpan.FromSeconds(5));
        Assert.InRange(times[2] - times[1], TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(5));
        Assert.InRange(times[3] - times[2], TimeSpan.FromSeconds(3.1), TimeSpan.FromSeconds(8));
    }

    [Fact]
    public async Task Unauthorized_fails_at_once_with_the_status_and_the_endpoint_message()
    {
        _server.DefaultReply = FakeOpenAIReply.Error(401, "Incorrect API key provided: sk-test. You can find your API key at https://platform.openai.com/account/api-keys.", "invalid_api_key");

        var error = await Assert.ThrowsAsync<ClientResultException>(() => _services.ChatClient().GetStreamingResponseAsync("hi").ToChatResponseAsync().WaitAsync(Timeout));

        Assert.Equal(401, error.Status);
        Assert.StartsWith("HTTP 401", error.Message);
        Assert.Contains("Incorrect API key provided", error.Message);
        Assert.Single(_server.Requests);
    }
}
