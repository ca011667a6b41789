using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using AIChatMessage = Microsoft.Extensions.AI.ChatMessage;
using OpenAIChatMessage = OpenAI.Chat.ChatMessage;
using OpenAIResponseFormat = OpenAI.Chat.ChatResponseFormat;

namespace AgentMesh.Models;

/// <summary>Maps Microsoft.Extensions.AI messages and options to an OpenAI chat completions request.</summary>
internal static class OpenAIRequestMapping
{
    public static List<OpenAIChatMessage> ToOpenAIMessages(IEnumerable<AIChatMessage> messages)
    {
        var result = new List<OpenAIChatMessage>();
        foreach (var message in messages)
        {
            if (message.Role == ChatRole.System)
            {
                result.Add(new SystemChatMessage(message.Text));
            }
            else if (message.Role == ChatRole.User)
            {
                result.Add(new UserChatMessage(message.Contents.Select(ToUserPart)));
            }
            else if (message.Role == ChatRole.Assistant)
            {
                result.Add(ToAssistantMessage(message));
            }
            else if (message.Role == ChatRole.Tool)
            {
                foreach (var toolResult in message.Contents.OfType<FunctionResultContent>())
                {
                    result.Add(new ToolChatMessage(toolResult.CallId, ResultText(toolResult.Result)));
                }
            }
            else
            {
                throw new NotSupportedException($"Chat role '{message.Role}' has no OpenAI equivalent.");
            }
        }

        return result;
    }

    public static ChatCompletionOptions ToOpenAIOptions(ChatOptions? options)
    {
        var result = new ChatCompletionOptions();
        if (options is null)
        {
            return result;
        }

        result.Temperature = options.Temperature;
        result.TopP = options.TopP;
        result.MaxOutputTokenCount = options.MaxOutputTokens;
        result.FrequencyPenalty = options.FrequencyPenalty;
        result.PresencePenalty = options.PresencePenalty;
        result.AllowParallelToolCalls = options.AllowMultipleToolCalls;
        foreach (var stop in options.StopSequences ?? [])
        {
            result.StopSequences.Add(stop);
        }

        foreach (var tool in options.Tools ?? [])
        {
            if (tool is AIFunctionDeclaration function)
            {
                result.Tools.Add(ChatTool.CreateFunctionTool(
                    function.Name,
                    function.Description,
                    BinaryData.FromString(function.JsonSchema.GetRawText())));
            }
        }

        if (result.Tools.Count > 0)
        {
            result.ToolChoice = options.ToolMode switch
            {
                NoneChatToolMode => ChatToolChoice.CreateNoneChoice(),
                RequiredChatToolMode { RequiredFunctionName: { } name } => ChatToolChoice.CreateFunctionChoice(name),
                RequiredChatToolMode => ChatToolChoice.CreateRequiredChoice(),
                AutoChatToolMode => ChatToolChoice.CreateAutoChoice(),
                _ => null,
            };
        }

        result.ResponseFormat = options.ResponseFormat switch
        {
            ChatResponseFormatJson { Schema: { } schema } json => OpenAIResponseFormat.CreateJsonSchemaFormat(
                json.SchemaName ?? "response", BinaryData.FromString(schema.GetRawText()), json.SchemaDescription),
            ChatResponseFormatJson => OpenAIResponseFormat.CreateJsonObjectFormat(),
            ChatResponseFormatText => OpenAIResponseFormat.CreateTextFormat(),
            _ => null,
        };
        return result;
    }

    private static ChatMessageContentPart ToUserPart(AIContent content) => content switch
    {
        TextContent text => ChatMessageContentPart.CreateTextPart(text.Text),
        DataContent data when data.HasTopLevelMediaType("image") => ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(data.Data), data.MediaType),
        UriContent uri when uri.HasTopLevelMediaType("image") => ChatMessageContentPart.CreateImagePart(uri.Uri),
        _ => throw new NotSupportedException($"User message content '{content.GetType().Name}' is not supported by the OpenAI-compatible client."),
    };

    private static AssistantChatMessage ToAssistantMessage(AIChatMessage message)
    {
        var calls = message.Contents.OfType<FunctionCallContent>()
            .Select(call => ChatToolCall.CreateFunctionToolCall(
                call.CallId,
                call.Name,
                BinaryData.FromString(JsonSerializer.Serialize(call.Arguments ?? new Dictionary<string, object?>(), AIJsonUtilities.DefaultOptions))))
            .ToList();
        if (calls.Count == 0)
        {
            return new AssistantChatMessage(message.Text);
        }

        var assistant = new AssistantChatMessage(calls);
        if (!string.IsNullOrEmpty(message.Text))
        {
            assistant.Content.Add(ChatMessageContentPart.CreateTextPart(message.Text));
        }

        return assistant;
    }

    private static string ResultText(object? result) => result switch
    {
        null => string.Empty,
        string s => s,
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString() ?? string.Empty,
        JsonElement e => e.GetRawText(),
        _ => JsonSerializer.Serialize(result, AIJsonUtilities.DefaultOptions),
    };
}
