using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace AgentMesh.Tests.Models;

/// <summary>Provider "openai" (the OpenAI SDK behind Microsoft.Extensions.AI) against the FAKE OpenAI-compatible server.</summary>
public sealed class OpenAIProviderTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private FakeOpenAIServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeOpenAIServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Chat_completion_sends_messages_tools_and_tool_results_and_maps_the_tool_calls_back()
    {
        _server.Replies.Enqueue(FakeOpenAIReply.Completion(
            "Let me look.",
            """[{"id":"call_9","type":"function","function":{"name":"filesystem__read_file","arguments":"{\"path\":\"/w/a.txt\",\"head\":3}"}}]""",
            "tool_calls"));
        using var services = Services(new() { ["Models:Default:ApiKey"] = "sk-test", ["Models:Default:Model"] = "gpt-test" });
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"path":{"type":"string"}},"required":["path"]}""").RootElement;
        var options = new ChatOptions
        {
            Tools = [AIFunctionFactory.CreateDeclaration("filesystem__list_directory", "Lists a folder.", schema)],
            ToolMode = ChatToolMode.RequireSpecific("filesystem__list_directory"),
            Temperature = 0.25f,
            ResponseFormat = ChatResponseFormat.Json,
        };
        ChatMessage[] messages =
        [
            new(ChatRole.System, "You are a researcher."),
            new(ChatRole.User, "List /work."),
            new(ChatRole.Assistant, [new TextContent("Looking."), new FunctionCallContent("call_1", "filesystem__list_directory", new Dictionary<string, object?> { ["path"] = "/work" })]),
            new(ChatRole.Tool, [new FunctionResultContent("call_1", "[FILE] a.txt")]),
        ];

        var response = await services.ChatClient().GetResponseAsync(messages, options).WaitAsync(Timeout);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal("Bearer sk-test", request.Headers["Authorization"]);
        var body = request.Body;
        Assert.Equal("gpt-test", body.GetProperty("model").GetString());
        var sent = body.GetProperty("messages").EnumerateArray().ToArray();
        Assert.Equal(["system", "user", "assistant", "tool"], sent.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("List /work.", ContentText(sent[1]));
        var call = Assert.Single(sent[2].GetProperty("tool_calls").EnumerateArray());
        Assert.Equal("call_1", call.GetProperty("id").GetString());
        Assert.Equal("filesystem__list_directory", call.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("/work", JsonDocument.Parse(call.GetProperty("function").GetProperty("arguments").GetString()!).RootElement.GetProperty("path").GetString());
        Assert.Equal("call_1", sent[3].GetProperty("tool_call_id").GetString());
        Assert.Equal("[FILE] a.txt", ContentText(sent[3]));
        var function = Assert.Single(body.GetProperty("tools").EnumerateArray()).GetProperty("function");
        Assert.Equal("filesystem__list_directory", function.GetProperty("name").GetString());
        Assert.Equal("path", function.GetProperty("parameters").GetProperty("required")[0].GetString());
        Assert.Equal("filesystem__list_directory", body.GetProperty("tool_choice").GetProperty("function").GetProperty("name").GetString());
        Assert.Equal(0.25, body.GetProperty("temperature").GetDouble(), 3);
        Assert.Equal("json_object", body.GetProperty("response_format").GetProperty("type").GetString());

        Assert.Equal("Let me look.", response.Text);
        var answer = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("call_9", answer.CallId);
        Assert.Equal("filesystem__read_file", answer.Name);
        Assert.Equal("/w/a.txt", answer.Arguments!["path"]!.ToString());
        Assert.Equal("3", answer.Arguments["head"]!.ToString());
        Assert.Equal((120, 30, 150), (response.Usage!.InputTokenCount, response.Usage.OutputTokenCount, response.Usage.TotalTokenCount));
        Assert.Equal("fake-model-2026", response.ModelId);
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        Assert.Equal("chatcmpl-123", response.ResponseId);
    }

    [Fact]
    public async Task Streaming_reads_sse_chunks_until_done_and_assembles_text_tool_calls_and_usage()
    {
        _server.Replies.Enqueue(FakeOpenAIReply.Stream(
            "tool_calls",
            """{"role":"assistant","content":"Let me "}""",
            """{"content":"look."}""",
            """{"tool_calls":[{"index":0,"id":"call_9","type":"function","function":{"name":"filesystem__read_file","arguments":""}}]}""",
            """{"tool_calls":[{"index":0,"function":{"arguments":"{\"path\":"}}]}""",
            """{"tool_calls":[{"index":0,"function":{"arguments":"\"/w/a.txt\"}"}}]}"""));
        using var services = Services(new() { ["Models:Default:Model"] = "llama3" });

        using var cancel = new CancellationTokenSource(Timeout);
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in services.ChatClient().GetStreamingResponseAsync("read it", cancellationToken: cancel.Token))
        {
            updates.Add(update);
        }

        var request = Assert.Single(_server.Requests);
        Assert.True(request.Body.GetProperty("stream").GetBoolean());
        Assert.Equal(["Let me ", "look."], updates.Select(u => u.Text).Where(t => t.Length > 0));
        var response = updates.ToChatResponse();
        Assert.Equal("Let me look.", response.Text);
        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal(("call_9", "filesystem__read_file", "/w/a.txt"), (call.CallId, call.Name, call.Arguments!["path"]!.ToString()));
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        Assert.Equal(120, response.Usage!.InputTokenCount);
        Assert.Equal(30, response.Usage.OutputTokenCount);
        Assert.Equal("fake-model-2026", response.ModelId);
    }

    [Theory]
    [InlineData(null, "Authorization", "Bearer sk-key")]
    [InlineData("Authorization", "Authorization", "Bearer sk-key")]
    [InlineData("api-key", "api-key", "sk-key")]
    public async Task The_key_goes_in_the_configured_header(string? header, string expectedHeader, string expectedValue)
    {
        using var services = Services(new()
        {
            ["Models:Default:Endpoint"] = $"{_server.BaseAddress}openai/v1/",
            ["AGENTMESH_MODEL_API_KEY"] = "sk-key",
            ["AGENTMESH_MODEL"] = "deployment-1",
            ["AGENTMESH_MODEL_API_KEY_HEADER"] = header,
        });

        await services.ChatClient().GetResponseAsync("hi").WaitAsync(Timeout);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("/openai/v1/chat/completions", request.Path);
        Assert.Equal(expectedValue, request.Headers[expectedHeader]);
        Assert.Equal(expectedHeader == "Authorization", request.Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task No_key_sends_no_credential()
    {
        using var services = Services(new() { ["Models:Default:Model"] = "llama3" });
        await services.ChatClient().GetResponseAsync("hi").WaitAsync(Timeout);
        var request = Assert.Single(_server.Requests);
        Assert.False(request.Headers.ContainsKey("Authorization"));
        Assert.False(request.Headers.ContainsKey("api-key"));
    }

    private ServiceProvider Services(Dictionary<string, string?> settings)
    {
        settings["Models:Provider"] = "openai";
        settings.TryAdd("Models:Default:Endpoint", $"{_server.BaseAddress}v1");
        return ModelProviderServices.Build(settings);
    }

    private static string ContentText(JsonElement message)
    {
        var content = message.GetProperty("content");
        return content.ValueKind == JsonValueKind.String
            ? content.GetString()!
            : string.Concat(content.EnumerateArray().Select(p => p.GetProperty("text").GetString()));
    }
}
