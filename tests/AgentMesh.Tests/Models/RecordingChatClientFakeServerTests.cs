using System.Text.Json;
using AgentMesh.Models;
using Microsoft.Extensions.AI;

namespace AgentMesh.Tests.Models;

/// <summary>Records exchanges with the FAKE OpenAI-compatible server (<c>Models:Record</c>), plain and streamed, then replays the cassette.</summary>
public sealed class RecordingChatClientFakeServerTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly string _folder = Directory.CreateTempSubdirectory("agentmesh-record-").FullName;
    private FakeOpenAIServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeOpenAIServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Fake_server_run_becomes_a_cassette_that_replays_the_same_answers()
    {
        var workspace = Path.Combine(_folder, "ws");
        var cassette = Path.Combine(_folder, "out", "recorded.json");
        using (var recording = ModelProviderServices.Build(new()
        {
            ["Models:Provider"] = "openai",
            ["Models:Default:Endpoint"] = $"{_server.BaseAddress}v1",
            ["Models:Default:Model"] = "m",
            ["Models:Record"] = cassette,
            ["Models:Variables:WORKSPACE"] = workspace,
        }))
        {
            var client = recording.ChatClient();
            Assert.Equal(cassette, client.GetService<RecordingChatClient>()!.CassettePath);
            var arguments = JsonSerializer.Serialize(JsonSerializer.Serialize(new { path = $"{workspace}/notes.md" }));
            _server.Replies.Enqueue(FakeOpenAIReply.Completion(null, $$$"""[{"id":"call_7","type":"function","function":{"name":"filesystem__read_file","arguments":{{{arguments}}}}}]""", "tool_calls"));
            await client.GetResponseAsync("p1", CassetteChatClientTests.Tagged("researcher", "s1", 1)).WaitAsync(Timeout);
            Assert.True(File.Exists(cassette));

            _server.Replies.Enqueue(FakeOpenAIReply.Stream("stop", """{"role":"assistant","content":"Sum"}""", """{"content":"mary."}"""));
            var streamed = await client.GetStreamingResponseAsync("p2", CassetteChatClientTests.Tagged("researcher", "s1", 2)).ToChatResponseAsync().WaitAsync(Timeout);
            Assert.Equal("Summary.", streamed.Text);
            await client.GetResponseAsync("untagged").WaitAsync(Timeout);
        }

        var exchanges = JsonDocument.Parse(File.ReadAllText(cassette)).RootElement.GetProperty("exchanges").EnumerateArray().ToArray();
        Assert.Equal(2, exchanges.Length);
        Assert.Equal(("researcher", "s1", 1), (exchanges[0].GetProperty("role").GetString(), exchanges[0].GetProperty("step").GetString(), exchanges[0].GetProperty("turn").GetInt32()));
        var recordedCall = exchanges[0].GetProperty("response").GetProperty("toolCalls")[0];
        Assert.Equal("${WORKSPACE}/notes.md", recordedCall.GetProperty("arguments").GetProperty("path").GetString());
        Assert.Equal(120, exchanges[0].GetProperty("response").GetProperty("usage").GetProperty("inputTokens").GetInt32());
        Assert.Equal("Summary.", exchanges[1].GetProperty("response").GetProperty("text").GetString());
        Assert.Equal(30, exchanges[1].GetProperty("response").GetProperty("usage").GetProperty("outputTokens").GetInt32());
        Assert.Equal("fake-model-2026", exchanges[1].GetProperty("response").GetProperty("model").GetString());
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(cassette)!, "*.tmp"));

        var replayWorkspace = Path.Combine(_folder, "other-ws");
        using var replay = ModelProviderServices.Build(new()
        {
            ["Models:Provider"] = "scripted",
            ["Models:Cassette"] = cassette,
            ["Models:Variables:WORKSPACE"] = replayWorkspace,
        });
        var first = await replay.ChatClient().GetStreamingResponseAsync("anything", CassetteChatClientTests.Tagged("researcher", "s1", 1)).ToChatResponseAsync();
        var call = Assert.Single(first.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("call_7", call.CallId);
        Assert.Equal($"{replayWorkspace}/notes.md", call.Arguments!["path"]!.ToString());
        Assert.Equal("Summary.", (await replay.ChatClient().GetResponseAsync("anything", CassetteChatClientTests.Tagged("researcher", "s1", 2))).Text);
        Assert.Equal(3, _server.Requests.Count);
        Assert.All(_server.Requests, r => Assert.DoesNotContain(r.Body.EnumerateObject(), p => p.Name.StartsWith("agentmesh", StringComparison.Ordinal))); // call tags stay in process
    }
}
