namespace AgentMesh.State;

/// <summary>One page of <see cref="IStateStore.ListKeysAsync"/>.</summary>
/// <param name="Keys">Keys in ascending ordinal order.</param>
/// <param name="ContinuationToken">Opaque token for the next page, or <c>null</c> when this is the last page.</param>
public sealed record StateKeyPage(IReadOnlyList<string> Keys, string? ContinuationToken);
