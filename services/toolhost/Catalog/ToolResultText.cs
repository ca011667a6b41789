using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace AgentMesh.Services.ToolHost.Catalog;

/// <summary>Turns MCP call results and JSON-RPC errors into <see cref="ToolCallOutcome"/>.</summary>
internal static class ToolResultText
{
    /// <summary>Text contents joined by newlines, other content described in brackets, plus the result as JSON.</summary>
    public static ToolCallOutcome FromResult(CallToolResult result)
    {
        var text = new StringBuilder();
        foreach (var block in result.Content)
        {
            if (text.Length > 0)
            {
                text.Append('\n');
            }

            text.Append(Describe(block));
        }

        if (result.Content.Count == 0 && result.StructuredContent is { } structured)
        {
            text.Append(structured.GetRawText());
        }

        var json = JsonSerializer.Serialize(result, McpJsonUtilities.DefaultOptions);
        return new ToolCallOutcome(result.IsError == true, text.ToString(), json);
    }

    /// <summary>A JSON-RPC error answer to <c>tools/call</c> (e.g. invalid arguments), as an error outcome.</summary>
    public static ToolCallOutcome FromProtocolError(McpProtocolException error)
    {
        var text = $"MCP error {(int)error.ErrorCode} ({error.ErrorCode}): {error.Message}";
        var json = new JsonObject
        {
            ["isError"] = true,
            ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = text }),
        };
        return new ToolCallOutcome(true, text, json.ToJsonString());
    }

    private static string Describe(ContentBlock block) => block switch
    {
        TextContentBlock t => t.Text,
        ImageContentBlock i => $"[image {i.MimeType}]",
        AudioContentBlock a => $"[audio {a.MimeType}]",
        ResourceLinkBlock l => $"[resource link {l.Uri}{(l.Name is { Length: > 0 } ? $" ({l.Name})" : "")}]",
        EmbeddedResourceBlock { Resource: TextResourceContents r } => $"[resource {r.Uri}]\n{r.Text}",
        EmbeddedResourceBlock e => $"[resource {e.Resource.Uri} {e.Resource.MimeType}]",
        _ => $"[{block.Type} content]",
    };
}
