using System.Diagnostics.Metrics;

namespace AgentMesh.TaskHub;

/// <summary>
/// The task hub's instruments (meter <c>AgentMesh.TaskHub</c>): how its store groups operations into
/// transactions, and where a transaction's time goes (running the operations, committing them durably).
/// </summary>
internal static class TaskHubMetrics
{
    public const string MeterName = "AgentMesh.TaskHub";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Store operations run, writes and reads, tagged <c>operation</c> (e.g. CompleteActivityWorkItem, GetInstance).</summary>
    public static readonly Counter<long> Operations = Meter.CreateCounter<long>("agentmesh.taskhub.store.operations", "{operation}");

    /// <summary>Time an operation's statements took (a write's inside its transaction), tagged <c>operation</c>.</summary>
    public static readonly Histogram<double> OperationDuration = Meter.CreateHistogram<double>("agentmesh.taskhub.store.operation.duration", "ms");

    /// <summary>Operations committed together in one transaction.</summary>
    public static readonly Histogram<int> BatchSize = Meter.CreateHistogram<int>("agentmesh.taskhub.store.batch.size", "{operation}");

    /// <summary>Rounds of the dispatcher, tagged <c>result</c>: <c>dispatched</c> (it sent work) or <c>idle</c>.</summary>
    public static readonly Counter<long> DispatchRounds = Meter.CreateCounter<long>("agentmesh.taskhub.dispatch.rounds", "{round}");

    /// <summary>Time of a transaction's COMMIT (with synchronous=FULL: the fsync of the WAL).</summary>
    public static readonly Histogram<double> CommitDuration = Meter.CreateHistogram<double>("agentmesh.taskhub.store.commit.duration", "ms");
}
