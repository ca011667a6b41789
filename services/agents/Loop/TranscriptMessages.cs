using System.Text.Json;
using Microsoft.Extensions.AI;

namespace AgentMesh.Services.Agents.Loop;

/// <summary>Converts between a step's checkpointed transcript and Microsoft.Extensions.AI chat messages.</summary>
internal static class TranscriptMessages
{
    /// <summary>The checkpoint record of a tool call the model asked for.</summary>
    public static ToolCallRecord ToRecord(FunctionCallContent content, ToolCatalogView tools)
    {
        var tool = tools.Find(content.Name);
        // Microsoft.Extensions.AI sets Exception when the model's arguments were not valid JSON: its own message only says
        // "Error parsing function call arguments."; the parser's (inner) one says where the JSON broke, for the correction.
        if (content.Exception is { } unreadable)
            return new ToolCallRecord(content.CallId, content.Name, tool?.Server ?? "", tool?.Name ?? content.Name, "{}", (unreadable.InnerException ?? unreadable).Message);
        var arguments = JsonSerializer.Serialize(content.Arguments ?? new Dictionary<string, object?>());
        return new ToolCallRecord(content.CallId, content.Name, tool?.Server ?? "", tool?.Name ?? content.Name, arguments);
    }

    /// <summary>The conversation as model messages, tool calls and results included.</summary>
    public static List<ChatMessage> ToChatMessages(IEnumerable<TranscriptEntry> transcript)
    {
        var messages = new List<ChatMessage>();
        foreach (var entry in transcript)
        {
            switch (entry.Kind)
            {
                case "system":
                    messages.Add(new ChatMessage(ChatRole.System, entry.Text));
                    break;
                case "user":
                    messages.Add(new ChatMessage(ChatRole.User, entry.Text));
                    break;
                case "assistant":
                    var contents = new List<AIContent>();
                    if (!string.IsNullOrEmpty(entry.Text))
                    {
                        contents.Add(new TextContent(entry.Text));
                    }

                    foreach (var c in entry.ToolCalls ?? [])
                    {
                        contents.Add(new FunctionCallContent(c.Id, c.Name, JsonSerializer.Deserialize<Dictionary<string, object?>>(c.ArgumentsJson)));
                    }

                    messages.Add(new ChatMessage(ChatRole.Assistant, contents));
                    break;
                case "tool":
                    messages.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(entry.ToolCallId!, entry.Text)]));
                    break;
            }
        }

        return messages;
    }
}
