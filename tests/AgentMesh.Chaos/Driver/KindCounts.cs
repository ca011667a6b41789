namespace AgentMesh.Chaos.Driver;

/// <summary>Instances of one kind: planned, started, completed with the expected output.</summary>
public sealed class KindCounts
{
    /// <summary>In the plan.</summary>
    public int Planned;

    /// <summary>Started by the driver (children: found in the hub, started by their parents).</summary>
    public int Started;

    /// <summary>Completed with the expected output.</summary>
    public int Completed;
}
