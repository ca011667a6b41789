namespace AgentMesh.Services.ToolHost.Catalog;

/// <summary>
/// What a tool call produced. A tool-level failure (the tool's <c>isError</c> result, or a
/// JSON-RPC error such as invalid arguments) is an outcome with <see cref="IsError"/> true and a
/// readable <see cref="Text"/>, so a model can correct itself.
/// </summary>
/// <param name="IsError">True when the tool or the server reported an error for this call.</param>
/// <param name="Text">Text contents joined by newlines; other content described in brackets, e.g. <c>[image image/png, 1024 bytes]</c>.</param>
/// <param name="ResultJson">The whole MCP <c>CallToolResult</c> as JSON; for a JSON-RPC error, <c>{"isError":true,"content":[{"type":"text","text":…}]}</c>.</param>
public sealed record ToolCallOutcome(bool IsError, string Text, string ResultJson);
