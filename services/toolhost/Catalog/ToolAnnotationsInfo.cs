namespace AgentMesh.Services.ToolHost.Catalog;

/// <summary>
/// A tool's MCP annotations (spec: <c>ToolAnnotations</c>) as the server declared them. Every
/// member is null when the server did not say; null is kept distinct from false.
/// </summary>
public sealed record ToolAnnotationsInfo(
    string? Title = null,
    bool? ReadOnlyHint = null,
    bool? DestructiveHint = null,
    bool? IdempotentHint = null,
    bool? OpenWorldHint = null)
{
    /// <summary>No annotations at all.</summary>
    public static ToolAnnotationsInfo None { get; } = new();
}
