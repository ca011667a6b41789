using System.Text.Json;
using AgentMesh.Models;
using Microsoft.Extensions.AI;
using Xunit;

namespace AgentMesh.Tests.Models;

/// <summary>The OpenAI-compatible client against a FAKE OpenAI-compatible HTTP server (no model endpoint runs here).</summary>
public sealed class OpenAICompatibleChatClientFakeServerTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private FakeOpenAIServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeOpenAIServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Fake_server_receives_messages_tools_and_tool_results()
    {
        using var client = new OpenAICompatibleChatClient(new ModelEndpointOptions { Endpoint = $"{_server.BaseAddress}v1", ApiKey = "sk-test", Model = "gpt-test" });
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"path":{"type":"string"}},"required":["path"]}""").RootElement;
        var tool = AIFunctionFactory.CreateDeclaration("filesystem__list_directory", "Lists a folder.", schema);
        var options = new ChatOptions
        {
            Tools = [tool],
            ToolMode = ChatToolMode.RequireSpecific("filesystem__list_directory"),
            Temperature = 0.25f,
            MaxOutputTokens = 512,
            ResponseFormat = ChatResponseFormat.Json,
        };
        ChatMessage[] messages =
        [
            new(ChatRole.System, "You are a researcher."),
            new(ChatRole.User, "List /work."),
            new(ChatRole.Assistant, [new TextContent("Looking."), new FunctionCallContent("call_1", "filesystem__list_directory", new Dictionary<string, object?> { ["path"] = "/work" })]),
            new(ChatRole.Tool, [new FunctionResultContent("call_1", "[FILE] a.txt")]),
        ];

        await client.GetResponseAsync(messages, options).WaitAsync(Timeout);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("/v1/chat/completions", request.Path);
        var body = request.Body;
        Assert.Equal("gpt-test", body.GetProperty("model").GetString());
        var sent = body.GetProperty("messages").EnumerateArray().ToArray();
        Assert.Equal(["system", "user", "assistant", "tool"], sent.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("You are a researcher.", ContentText(sent[0]));
        Assert.Equal("List /work.", ContentText(sent[1]));
        Assert.Equal("Looking.", ContentText(sent[2]));
        var call = Assert.Single(sent[2].GetProperty("tool_calls").EnumerateArray());
        Assert.Equal("call_1", call.GetProperty("id").GetString());
        Assert.Equal("function", call.GetProperty("type").GetString());
        Assert.Equal("filesystem__list_directory", call.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("/work", JsonDocument.Parse(call.GetProperty("function").GetProperty("arguments").GetString()!).RootElement.GetProperty("path").GetString());
        Assert.Equal("call_1", sent[3].GetProperty("tool_call_id").GetString());
        Assert.Equal("[FILE] a.txt", ContentText(sent[3]));

        var sentTool = Assert.Single(body.GetProperty("tools").EnumerateArray());
        Assert.Equal("function", sentTool.GetProperty("type").GetString());
        var function = sentTool.GetProperty("function");
        Assert.Equal("filesystem__list_directory", function.GetProperty("name").GetString());
        Assert.Equal("Lists a folder.", function.GetProperty("description").GetString());
        Assert.Equal("path", function.GetProperty("parameters").GetProperty("required")[0].GetString());
        Assert.Equal("filesystem__list_directory", body.GetProperty("tool_choice").GetProperty("function").GetProperty("name").GetString());
        Assert.Equal(0.25, body.GetProperty("temperature").GetDouble(), 3);
        Assert.Equal(512, body.GetProperty("max_completion_tokens").GetInt32());
        Assert.Equal("json_object", body.GetProperty("response_format").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Fake_server_response_maps_text_tool_calls_usage_model_and_finish_reason()
    {
        _server.NextResponse = FakeOpenAIServer.CompletionJson(
            "Let me look.",
            """[{"id":"call_9","type":"function","function":{"name":"filesystem__read_file","arguments":"{\"path\":\"/w/a.txt\",\"head\":3}"}}]""",
            "tool_calls");
        using var client = new OpenAICompatibleChatClient(new ModelEndpointOptions { Endpoint = _server.BaseAddress.ToString(), Model = "m" });

        var response = await client.GetResponseAsync("read it").WaitAsync(Timeout);

        Assert.Equal("Let me look.", response.Text);
        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("call_9", call.CallId);
        Assert.Equal("filesystem__read_file", call.Name);
        Assert.Equal("/w/a.txt", ((JsonElement)call.Arguments!["path"]!).GetString());
        Assert.Equal(3, ((JsonElement)call.Arguments["head"]!).GetInt32());
        Assert.Equal(120, response.Usage!.InputTokenCount);
        Assert.Equal(30, response.Usage.OutputTokenCount);
        Assert.Equal(150, response.Usage.TotalTokenCount);
        Assert.Equal("fake-model-2026", response.ModelId);
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        Assert.Equal("chatcmpl-123", response.ResponseId);

        using var cts = new CancellationTokenSource(Timeout);
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync("again", cancellationToken: cts.Token))
        {
            updates.Add(update);
        }

        Assert.Equal("Let me look.", updates.ToChatResponse().Text);
    }

    [Theory]
    [InlineData(null, "Authorization", "Bearer sk-bearer")]
    [InlineData("Authorization", "Authorization", "Bearer sk-bearer")]
    [InlineData("api-key", "api-key", "sk-bearer")]
    public async Task Fake_server_sees_the_configured_auth_header(string? header, string expectedHeader, string expectedValue)
    {
        using var client = new OpenAICompatibleChatClient(new ModelEndpointOptions
        {
            Endpoint = $"{_server.BaseAddress}openai/v1/",
            ApiKey = "sk-bearer",
            Model = "deployment-1",
            ApiKeyHeader = header,
        });

        await client.GetResponseAsync("hi").WaitAsync(Timeout);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("/openai/v1/chat/completions", request.Path);
        Assert.Equal(expectedValue, request.Headers[expectedHeader]);
        if (expectedHeader != "Authorization")
        {
            Assert.False(request.Headers.ContainsKey("Authorization"));
        }
    }

    [Fact]
    public async Task Fake_server_gets_no_credential_when_no_key_is_configured()
    {
        using var client = new OpenAICompatibleChatClient(new ModelEndpointOptions { Endpoint = $"{_server.BaseAddress}v1", Model = "llama3" });
        await client.GetResponseAsync("hi").WaitAsync(Timeout);
        var request = Assert.Single(_server.Requests);
        Assert.False(request.Headers.ContainsKey("Authorization"));
        Assert.False(request.Headers.ContainsKey("api-key"));
    }

    [Fact]
    public void Missing_key_for_api_openai_com_is_rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => new OpenAICompatibleChatClient(new ModelEndpointOptions { Model = "gpt" }));
        Assert.Contains("ApiKey", ex.Message);
    }

    private static string ContentText(JsonElement message)
    {
        var content = message.GetProperty("content");
        return content.ValueKind == JsonValueKind.String
            ? content.GetString()!
            : string.Concat(content.EnumerateArray().Select(p => p.GetProperty("text").GetString()));
    }
}
