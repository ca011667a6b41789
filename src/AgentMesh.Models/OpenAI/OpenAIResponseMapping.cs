using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using AIChatFinishReason = Microsoft.Extensions.AI.ChatFinishReason;
using AIChatMessage = Microsoft.Extensions.AI.ChatMessage;
using OpenAIChatFinishReason = OpenAI.Chat.ChatFinishReason;

namespace AgentMesh.Models;

/// <summary>Maps an OpenAI chat completion back to a Microsoft.Extensions.AI response.</summary>
internal static class OpenAIResponseMapping
{
    public static ChatResponse ToChatResponse(ChatCompletion completion)
    {
        var contents = new List<AIContent>();
        foreach (var part in completion.Content)
        {
            if (part.Kind == ChatMessageContentPartKind.Text && !string.IsNullOrEmpty(part.Text))
            {
                contents.Add(new TextContent(part.Text));
            }
        }

        if (!string.IsNullOrEmpty(completion.Refusal))
        {
            contents.Add(new TextContent(completion.Refusal));
        }

        foreach (var call in completion.ToolCalls)
        {
            contents.Add(ToFunctionCall(call));
        }

        var message = new AIChatMessage(ChatRole.Assistant, contents) { MessageId = completion.Id, RawRepresentation = completion };
        return new ChatResponse(message)
        {
            ResponseId = completion.Id,
            ModelId = completion.Model,
            CreatedAt = completion.CreatedAt,
            FinishReason = ToFinishReason(completion.FinishReason),
            Usage = completion.Usage is { } usage
                ? new UsageDetails
                {
                    InputTokenCount = usage.InputTokenCount,
                    OutputTokenCount = usage.OutputTokenCount,
                    TotalTokenCount = usage.TotalTokenCount,
                }
                : null,
            RawRepresentation = completion,
        };
    }

    /// <summary>Parses the arguments JSON into a dictionary of <see cref="JsonElement"/> values.</summary>
    public static FunctionCallContent ToFunctionCall(ChatToolCall call)
    {
        try
        {
            var text = call.FunctionArguments?.ToString();
            var arguments = new Dictionary<string, object?>();
            if (!string.IsNullOrWhiteSpace(text))
            {
                using var document = JsonDocument.Parse(text);
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    arguments[property.Name] = property.Value.Clone();
                }
            }

            return new FunctionCallContent(call.Id, call.FunctionName, arguments);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return new FunctionCallContent(call.Id, call.FunctionName) { Exception = ex };
        }
    }

    private static AIChatFinishReason? ToFinishReason(OpenAIChatFinishReason reason) => reason switch
    {
        OpenAIChatFinishReason.Stop => AIChatFinishReason.Stop,
        OpenAIChatFinishReason.Length => AIChatFinishReason.Length,
        OpenAIChatFinishReason.ContentFilter => AIChatFinishReason.ContentFilter,
        OpenAIChatFinishReason.ToolCalls or OpenAIChatFinishReason.FunctionCall => AIChatFinishReason.ToolCalls,
        _ => null,
    };
}
