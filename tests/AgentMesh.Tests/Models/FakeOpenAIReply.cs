using System.Text.Json;

namespace AgentMesh.Tests.Models;

/// <summary>
/// One answer of <see cref="FakeOpenAIServer"/>: status, content type, extra headers, and the body written in parts,
/// each flushed on its own (so server-sent events arrive as separate chunks). Shapes follow OpenAI's chat completions API.
/// </summary>
public sealed record FakeOpenAIReply(int StatusCode, string ContentType, IReadOnlyList<string> BodyParts, IReadOnlyDictionary<string, string>? Headers = null)
{
    private const string Usage = """{ "prompt_tokens": 120, "completion_tokens": 30, "total_tokens": 150 }""";

    /// <summary>A <c>chat.completion</c> object; <paramref name="toolCallsJson"/> is the message's <c>tool_calls</c> array.</summary>
    public static FakeOpenAIReply Completion(string? text, string? toolCallsJson = null, string finishReason = "stop") => Json(200, $$"""
        {
          "id": "chatcmpl-123",
          "object": "chat.completion",
          "created": 1767225600,
          "model": "fake-model-2026",
          "choices": [ {
            "index": 0,
            "message": { "role": "assistant", "content": {{JsonSerializer.Serialize(text)}}{{(toolCallsJson is null ? string.Empty : $", \"tool_calls\": {toolCallsJson}")}} },
            "finish_reason": "{{finishReason}}"
          } ],
          "usage": {{Usage}}
        }
        """);

    /// <summary>
    /// A streamed answer: one <c>data:</c> event of <c>chat.completion.chunk</c> per delta object in <paramref name="deltasJson"/>,
    /// then one with <paramref name="finishReason"/>, one with usage and no choices, and <c>data: [DONE]</c>.
    /// </summary>
    public static FakeOpenAIReply Stream(string finishReason, params string[] deltasJson)
    {
        static string Event(string choicesJson, string? usage = null) =>
            $$"""data: {"id":"chatcmpl-456","object":"chat.completion.chunk","created":1767225600,"model":"fake-model-2026","choices":{{choicesJson}}{{(usage is null ? string.Empty : $",\"usage\":{usage}")}}}""" + "\n\n";

        var parts = deltasJson.Select(delta => Event($$"""[{"index":0,"delta":{{delta}},"finish_reason":null}]""")).ToList();
        parts.Add(Event($$"""[{"index":0,"delta":{},"finish_reason":"{{finishReason}}"}]"""));
        parts.Add(Event("[]", Usage.Replace(" ", string.Empty, StringComparison.Ordinal)));
        parts.Add("data: [DONE]\n\n");
        return new FakeOpenAIReply(200, "text/event-stream", parts);
    }

    /// <summary>An OpenAI error object (<c>{"error":{"message","type","code"}}</c>) with <paramref name="statusCode"/>.</summary>
    public static FakeOpenAIReply Error(int statusCode, string message, string code, IReadOnlyDictionary<string, string>? headers = null) =>
        Json(statusCode, JsonSerializer.Serialize(new { error = new { message, type = "invalid_request_error", param = (string?)null, code } })) with { Headers = headers };

    private static FakeOpenAIReply Json(int statusCode, string body) => new(statusCode, "application/json", [body]);
}
