namespace AgentMesh.Chaos.Driver;

/// <summary>One host process: its generation, how long it took to be ready, and how long it lived after that before it was killed (null: the last).</summary>
public sealed record HostLife(int Generation, TimeSpan Startup, TimeSpan? KilledAfter, DateTimeOffset? KilledAt);
