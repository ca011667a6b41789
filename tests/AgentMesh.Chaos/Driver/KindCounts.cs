namespace AgentMesh.Chaos.Driver;

/// <summary>Instances of one kind: planned, started (StartInstance accepted), completed with the expected output.</summary>
public sealed class KindCounts
{
    /// <summary>In the plan.</summary>
    public int Planned;

    /// <summary>Started by the driver.</summary>
    public int Started;

    /// <summary>Completed with the expected output.</summary>
    public int Completed;
}
