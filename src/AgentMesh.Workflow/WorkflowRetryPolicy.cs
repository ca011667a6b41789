namespace AgentMesh.Workflow;

/// <summary>
/// Retry policy of a workflow task. The delay before retry n (n ≥ 1) is
/// <c>firstRetryInterval × backoffCoefficient^(n-1)</c>, capped at <see cref="MaxRetryInterval"/>;
/// delays are durable timers.
/// </summary>
public sealed class WorkflowRetryPolicy
{
    /// <summary>Creates a policy.</summary>
    /// <param name="maxNumberOfAttempts">Total attempts including the first; at least 1.</param>
    /// <param name="firstRetryInterval">Delay before the first retry; positive.</param>
    /// <param name="backoffCoefficient">Multiplier of the delay per retry; at least 1.</param>
    /// <param name="maxRetryInterval">Upper bound of a delay; null: unbounded.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside the ranges above.</exception>
    public WorkflowRetryPolicy(int maxNumberOfAttempts, TimeSpan firstRetryInterval, double backoffCoefficient = 1.0, TimeSpan? maxRetryInterval = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxNumberOfAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(firstRetryInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(backoffCoefficient, 1.0);
        if (maxRetryInterval is { } max && max < firstRetryInterval)
            throw new ArgumentOutOfRangeException(nameof(maxRetryInterval), "maxRetryInterval must not be shorter than firstRetryInterval.");
        MaxNumberOfAttempts = maxNumberOfAttempts;
        FirstRetryInterval = firstRetryInterval;
        BackoffCoefficient = backoffCoefficient;
        MaxRetryInterval = maxRetryInterval;
    }

    /// <summary>Total attempts including the first.</summary>
    public int MaxNumberOfAttempts { get; }

    /// <summary>Delay before the first retry.</summary>
    public TimeSpan FirstRetryInterval { get; }

    /// <summary>Multiplier of the delay per retry.</summary>
    public double BackoffCoefficient { get; }

    /// <summary>Upper bound of a delay; null: unbounded.</summary>
    public TimeSpan? MaxRetryInterval { get; }

    /// <summary>Delay before retry number <paramref name="retry"/> (1-based).</summary>
    public TimeSpan DelayBeforeRetry(int retry)
    {
        var ticks = FirstRetryInterval.Ticks * Math.Pow(BackoffCoefficient, retry - 1);
        var delay = ticks >= TimeSpan.MaxValue.Ticks ? TimeSpan.MaxValue : TimeSpan.FromTicks((long)ticks);
        return MaxRetryInterval is { } max && delay > max ? max : delay;
    }
}
