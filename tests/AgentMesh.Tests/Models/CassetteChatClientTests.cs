using System.Text.Json;
using AgentMesh.Models;
using Microsoft.Extensions.AI;
using Xunit;

namespace AgentMesh.Tests.Models;

public sealed class CassetteChatClientTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("agentmesh-cassette-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Replays_by_role_turn_and_step_and_expands_variables()
    {
        var path = Write("scenario.json", """
            { "version": 1, "exchanges": [
              { "role": "researcher", "turn": 1, "response": {
                  "toolCalls": [ { "id": "call_1", "name": "filesystem__list_directory", "arguments": { "path": "${WORKSPACE}/docs", "deep": { "list": ["${WORKSPACE}", 3] } } } ],
                  "usage": { "inputTokens": 120, "outputTokens": 30 } } },
              { "role": "researcher", "turn": 2, "response": { "text": "Found two files." } },
              { "role": "writer", "step": "s2", "turn": 1, "response": { "text": "Draft for s2", "model": "gpt-recorded" } }
            ] }
            """);
        using var client = new CassetteChatClient(path, new Dictionary<string, string> { ["WORKSPACE"] = "/tmp/ws" });

        var first = await client.GetResponseAsync("prompt text is ignored", Tagged("researcher", "s1", 1));
        var call = Assert.Single(first.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("call_1", call.CallId);
        Assert.Equal("filesystem__list_directory", call.Name);
        Assert.Equal("/tmp/ws/docs", ((JsonElement)call.Arguments!["path"]!).GetString());
        Assert.Equal("/tmp/ws", ((JsonElement)call.Arguments["deep"]!).GetProperty("list")[0].GetString());
        Assert.Equal(120, first.Usage!.InputTokenCount);
        Assert.Equal(150, first.Usage.TotalTokenCount);
        Assert.Equal("scripted:scenario.json", first.ModelId);
        Assert.Equal(ChatFinishReason.ToolCalls, first.FinishReason);

        var second = await client.GetResponseAsync("different prompt", Tagged("researcher", "s1", 2));
        Assert.Equal("Found two files.", second.Text);
        Assert.Equal(ChatFinishReason.Stop, second.FinishReason);

        var writer = await client.GetResponseAsync("x", Tagged("writer", "s2", 1));
        Assert.Equal("Draft for s2", writer.Text);
        Assert.Equal("gpt-recorded", writer.ModelId);
    }

    [Fact]
    public async Task Streaming_replays_the_recorded_response_as_updates()
    {
        var path = Write("stream.json", """
            { "version": 1, "exchanges": [
              { "role": "researcher", "turn": 1, "response": {
                  "text": "Listing.",
                  "toolCalls": [ { "id": "call_1", "name": "filesystem__list_directory", "arguments": { "path": "${WORKSPACE}" } } ],
                  "usage": { "inputTokens": 120, "outputTokens": 30 }, "model": "gpt-recorded" } }
            ] }
            """);
        using var client = new CassetteChatClient(path, new Dictionary<string, string> { ["WORKSPACE"] = "/tmp/ws" });

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync("x", Tagged("researcher", null, 1)))
        {
            updates.Add(update);
        }

        Assert.NotEmpty(updates);
        var streamed = updates.ToChatResponse();
        var whole = await client.GetResponseAsync("x", Tagged("researcher", null, 1));
        Assert.Equal(whole.Text, streamed.Text);
        var call = Assert.Single(streamed.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal(("call_1", "/tmp/ws"), (call.CallId, call.Arguments!["path"]!.ToString()));
        Assert.Equal((120L, 30L), (streamed.Usage!.InputTokenCount, streamed.Usage.OutputTokenCount));
        Assert.Equal("gpt-recorded", streamed.ModelId);
        Assert.Equal(ChatFinishReason.ToolCalls, streamed.FinishReason);
    }

    [Fact]
    public async Task Streaming_fails_loudly_on_a_call_the_cassette_has_no_record_of()
    {
        var path = Write("stream-miss.json", """{ "version": 1, "exchanges": [ { "role": "writer", "turn": 1, "response": { "text": "ok" } } ] }""");
        using var client = new CassetteChatClient(path);

        var miss = await Assert.ThrowsAsync<CassetteMissException>(() => client.GetStreamingResponseAsync("x", Tagged("writer", null, 2)).ToChatResponseAsync());
        Assert.Contains("turn 2", miss.Message);
        await Assert.ThrowsAsync<CassetteMissException>(() => client.GetStreamingResponseAsync("untagged").ToChatResponseAsync());
    }

    [Fact]
    public async Task Step_specific_entries_win_and_the_same_call_always_gets_the_same_answer()
    {
        var path = Write("order.json", """
            { "version": 1, "exchanges": [
              { "role": "analyst", "turn": 1, "response": { "text": "first stepless" } },
              { "role": "analyst", "step": "b", "turn": 1, "response": { "text": "for b" } },
              { "role": "analyst", "turn": 1, "response": { "text": "second stepless" } },
              { "role": "analyst", "step": "c", "turn": 2, "response": { "text": "c, turn 2" } }
            ] }
            """);
        using var client = new CassetteChatClient(path);

        Assert.Equal("for b", (await client.GetResponseAsync("x", Tagged("analyst", "b", 1))).Text);
        Assert.Equal("for b", (await client.GetResponseAsync("x", Tagged("analyst", "b", 1))).Text);
        Assert.Equal("first stepless", (await client.GetResponseAsync("x", Tagged("analyst", "a", 1))).Text);
        Assert.Equal("first stepless", (await client.GetResponseAsync("x", Tagged("analyst", null, 1))).Text);
        var miss = await Assert.ThrowsAsync<CassetteMissException>(() => client.GetResponseAsync("x", Tagged("analyst", "a", 2)));
        Assert.Contains("role 'analyst'", miss.Message);
        Assert.Contains("step 'a'", miss.Message);
        Assert.Contains("turn 2", miss.Message);
        Assert.Contains("order.json", miss.Message);
        Assert.Contains("turn 2, step 'c'", miss.Message);
        Assert.Equal("analyst", miss.Role);
    }

    [Fact]
    public async Task A_recorded_latency_is_waited_and_can_be_cancelled()
    {
        var path = Write("slow.json", """
            { "version": 1, "exchanges": [ { "role": "writer", "turn": 1, "response": { "text": "late", "delayMs": 5000 } } ] }
            """);
        using var client = new CassetteChatClient(path);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var pending = client.GetResponseAsync("x", Tagged("writer", null, 1), cancel.Token);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
    }

    [Fact]
    public async Task Miss_names_the_call_and_lists_the_role_entries()
    {
        var path = Write("miss.json", """
            { "version": 1, "exchanges": [ { "role": "reviewer", "step": "s9", "turn": 1, "response": { "text": "ok" } } ] }
            """);
        using var client = new CassetteChatClient(path);

        var noStep = await Assert.ThrowsAsync<CassetteMissException>(() => client.GetResponseAsync("x", Tagged("reviewer", null, 1)));
        Assert.Contains("step '(none)'", noStep.Message);
        Assert.Contains("turn 1, step 's9'", noStep.Message);
        var otherRole = await Assert.ThrowsAsync<CassetteMissException>(() => client.GetResponseAsync("x", Tagged("planner", null, 3)));
        Assert.Contains("no exchanges for role 'planner'", otherRole.Message);
        Assert.Contains(path, otherRole.Message);
        Assert.IsAssignableFrom<InvalidOperationException>(otherRole);
        await Assert.ThrowsAsync<CassetteMissException>(() => client.GetResponseAsync("untagged"));
    }

    [Fact]
    public async Task Unknown_variable_and_bad_files_fail_loudly()
    {
        var path = Write("vars.json", """
            { "version": 1, "exchanges": [ { "role": "r", "turn": 1, "response": { "toolCalls": [ { "id": "c", "name": "t", "arguments": { "p": "${NOPE}" } } ] } } ] }
            """);
        using var client = new CassetteChatClient(path, new Dictionary<string, string> { ["WORKSPACE"] = "/w" });
        var ex = await Assert.ThrowsAsync<CassetteMissException>(() => client.GetResponseAsync("x", Tagged("r", null, 1)));
        Assert.Contains("${NOPE}", ex.Message);
        Assert.Contains("WORKSPACE", ex.Message);

        Assert.Throws<FileNotFoundException>(() => new CassetteChatClient(Path.Combine(_folder, "absent.json")));
        Assert.Throws<InvalidDataException>(() => new CassetteChatClient(Write("v2.json", """{ "version": 2, "exchanges": [] }""")));
        Assert.Throws<InvalidDataException>(() => new CassetteChatClient(Write("noturn.json", """{ "version": 1, "exchanges": [ { "role": "r", "response": {} } ] }""")));
    }

    [Fact]
    public void Call_tags_round_trip_through_chat_options()
    {
        var options = new ChatOptions();
        Assert.Null(ModelCallTags.Get(options));
        ModelCallTags.Set(options, "writer", "s3", 2);
        Assert.Equal(("writer", "s3", 2), ModelCallTags.Get(options));
        ModelCallTags.Set(options, "writer", null, 3);
        Assert.Equal(("writer", (string?)null, 3), ModelCallTags.Get(options));
        Assert.Equal(("writer", (string?)null, 3), ModelCallTags.Get(options.Clone()));
    }

    internal static ChatOptions Tagged(string role, string? step, int turn)
    {
        var options = new ChatOptions();
        ModelCallTags.Set(options, role, step, turn);
        return options;
    }

    private string Write(string name, string json)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, json);
        return path;
    }
}
