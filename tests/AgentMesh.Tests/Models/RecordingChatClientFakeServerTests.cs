using System.Text.Json;
using AgentMesh.Models;
using Microsoft.Extensions.AI;
using Xunit;

namespace AgentMesh.Tests.Models;

/// <summary>Records exchanges with a FAKE OpenAI-compatible server (no model endpoint runs here), then replays the cassette.</summary>
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
        var variables = new Dictionary<string, string> { ["WORKSPACE"] = workspace };
        var cassette = Path.Combine(_folder, "out", "recorded.json");
        using var real = new OpenAICompatibleChatClient(new ModelEndpointOptions { Endpoint = $"{_server.BaseAddress}v1", Model = "m" });
        using var recording = new RecordingChatClient(real, cassette, variables);

        var arguments = JsonSerializer.Serialize(JsonSerializer.Serialize(new { path = $"{workspace}/notes.md" }));
        _server.NextResponse = FakeOpenAIServer.CompletionJson(null, $$$"""[{"id":"call_7","type":"function","function":{"name":"filesystem__read_file","arguments":{{{arguments}}}}}]""", "tool_calls");
        await recording.GetResponseAsync("p1", CassetteChatClientTests.Tagged("researcher", "s1", 1)).WaitAsync(Timeout);
        Assert.True(File.Exists(cassette));

        _server.NextResponse = FakeOpenAIServer.CompletionJson("Summary.", null);
        await recording.GetResponseAsync("p2", CassetteChatClientTests.Tagged("researcher", "s1", 2)).WaitAsync(Timeout);
        await recording.GetResponseAsync("untagged").WaitAsync(Timeout);

        var document = JsonDocument.Parse(File.ReadAllText(cassette)).RootElement;
        Assert.Equal(1, document.GetProperty("version").GetInt32());
        var exchanges = document.GetProperty("exchanges").EnumerateArray().ToArray();
        Assert.Equal(2, exchanges.Length);
        Assert.Equal("researcher", exchanges[0].GetProperty("role").GetString());
        Assert.Equal("s1", exchanges[0].GetProperty("step").GetString());
        Assert.Equal(1, exchanges[0].GetProperty("turn").GetInt32());
        var recordedCall = exchanges[0].GetProperty("response").GetProperty("toolCalls")[0];
        Assert.Equal("${WORKSPACE}/notes.md", recordedCall.GetProperty("arguments").GetProperty("path").GetString());
        Assert.Equal(120, exchanges[0].GetProperty("response").GetProperty("usage").GetProperty("inputTokens").GetInt32());
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(cassette)!, "*.tmp"));

        var replayWorkspace = Path.Combine(_folder, "other-ws");
        using var replay = new CassetteChatClient(cassette, new Dictionary<string, string> { ["WORKSPACE"] = replayWorkspace });
        var first = await replay.GetResponseAsync("anything", CassetteChatClientTests.Tagged("researcher", "s1", 1));
        var call = Assert.Single(first.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("call_7", call.CallId);
        Assert.Equal($"{replayWorkspace}/notes.md", ((JsonElement)call.Arguments!["path"]!).GetString());
        Assert.Equal("Summary.", (await replay.GetResponseAsync("anything", CassetteChatClientTests.Tagged("researcher", "s1", 2))).Text);
    }
}
