using Azure.Core;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace AgentMesh.Tests.Models;

/// <summary>Provider "azure" (Azure.AI.OpenAI's client behind Microsoft.Extensions.AI) against the FAKE OpenAI-compatible server, with an API key.</summary>
public sealed class AzureOpenAIProviderTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private FakeOpenAIServer _server = null!;
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeOpenAIServer.StartAsync();
        _services = ModelProviderServices.Build(new()
        {
            ["Models:Provider"] = "azure",
            ["Models:Default:Endpoint"] = _server.BaseAddress.ToString(),
            ["Models:Default:ApiKey"] = "azure-key-1",
            ["Models:Default:Model"] = "gpt-4o-deployment",
        });
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Calls_the_deployment_path_with_an_api_version_and_the_key_in_api_key()
    {
        _server.Replies.Enqueue(FakeOpenAIReply.Completion(
            null, """[{"id":"call_1","type":"function","function":{"name":"filesystem__list_directory","arguments":"{\"path\":\"/w\"}"}}]""", "tool_calls"));

        var response = await _services.ChatClient().GetResponseAsync("List /w.").WaitAsync(Timeout);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("/openai/deployments/gpt-4o-deployment/chat/completions", request.Path);
        Assert.Equal("?api-version=2024-10-21", request.Query); // Azure.AI.OpenAI 2.1.0's default service version
        Assert.Equal("azure-key-1", request.Headers["api-key"]);
        Assert.False(request.Headers.ContainsKey("Authorization"));
        var message = Assert.Single(request.Body.GetProperty("messages").EnumerateArray());
        Assert.Equal("user", message.GetProperty("role").GetString());
        Assert.Contains("List /w.", message.GetProperty("content").GetRawText());
        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal(("call_1", "/w"), (call.CallId, call.Arguments!["path"]!.ToString()));
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
    }

    [Fact]
    public async Task Without_a_key_authenticates_with_the_entra_id_credential()
    {
        var credential = new StaticTokenCredential("entra-token-1");
        using var services = ModelProviderServices.Build(
            new()
            {
                ["Models:Provider"] = "azure",
                ["Models:Default:Endpoint"] = _server.BaseAddress.ToString(),
                ["Models:Default:Model"] = "gpt-4o-deployment",
            },
            s => s.AddSingleton<TokenCredential>(credential));

        await services.ChatClient().GetResponseAsync("hi").WaitAsync(Timeout);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("Bearer entra-token-1", request.Headers["Authorization"]);
        Assert.False(request.Headers.ContainsKey("api-key"));
        Assert.Equal("https://cognitiveservices.azure.com/.default", Assert.Single(credential.Scopes));
    }

    [Fact]
    public async Task Streams_from_the_deployment()
    {
        _server.Replies.Enqueue(FakeOpenAIReply.Stream("stop", """{"role":"assistant","content":"Azure "}""", """{"content":"streamed."}"""));

        var response = await _services.ChatClient().GetStreamingResponseAsync("hi").ToChatResponseAsync().WaitAsync(Timeout);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("/openai/deployments/gpt-4o-deployment/chat/completions", request.Path);
        Assert.True(request.Body.GetProperty("stream").GetBoolean());
        Assert.Equal("Azure streamed.", response.Text);
        Assert.Equal(150, response.Usage!.TotalTokenCount);
    }

    private sealed class StaticTokenCredential(string token) : TokenCredential
    {
        public List<string> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Scopes.AddRange(requestContext.Scopes);
            return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
