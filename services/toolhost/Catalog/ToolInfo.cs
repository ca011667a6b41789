using AgentMesh.Services.ToolHost.Policy;

namespace AgentMesh.Services.ToolHost.Catalog;

/// <summary>One tool discovered on a connected MCP server, with the policy verdict for it.</summary>
/// <param name="Server">The configured server name (key in <c>mcpServers</c>).</param>
/// <param name="Name">The tool name as the server declares it.</param>
/// <param name="Title">Display title: the tool's <c>title</c>, else <c>annotations.title</c>; null when neither is set.</param>
/// <param name="Description">The tool's description; empty when the server gives none.</param>
/// <param name="InputSchemaJson">JSON Schema of the arguments object, as compact JSON.</param>
/// <param name="Annotations">The annotations exactly as declared (unset members null).</param>
/// <param name="Approval">Whether calls need a human approval and why (see <see cref="ToolApprovalPolicy"/>).</param>
public sealed record ToolInfo(
    string Server,
    string Name,
    string? Title,
    string Description,
    string InputSchemaJson,
    ToolAnnotationsInfo Annotations,
    ToolApprovalVerdict Approval)
{
    /// <summary>The id policy rules match: <c>server/tool</c>.</summary>
    public string Id => $"{Server}/{Name}";
}
