namespace AgentMesh.Services.ToolHost.Catalog;

/// <summary>A progress notification a server sent during a tool call (spec: <c>notifications/progress</c>).</summary>
/// <param name="Progress">Progress so far; increases with every notification; unit up to the server.</param>
/// <param name="Total">The total when known, else null.</param>
/// <param name="Message">A human-readable message, or null.</param>
public sealed record ToolProgressInfo(double Progress, double? Total, string? Message);
