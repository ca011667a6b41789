namespace AgentMesh.State;

/// <summary>Options of <see cref="RunEventLog"/>.</summary>
public sealed record RunEventLogOptions
{
    /// <summary>First segment of every key the log writes. Default <c>"runlog"</c>.</summary>
    public string KeyPrefix { get; init; } = "runlog";

    /// <summary>How many times an append is tried when it races another appender. Default 100.</summary>
    public int MaxAppendAttempts { get; init; } = 100;

    /// <summary>
    /// How often <see cref="RunEventLog.WaitForAppendAsync"/> re-reads the head to notice appends made by
    /// other processes. Default 1 second; <c>null</c> relies on in-process notifications only.
    /// </summary>
    public TimeSpan? PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Clock for <see cref="PollInterval"/>. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
