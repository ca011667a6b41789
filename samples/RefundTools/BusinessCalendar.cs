namespace AgentMesh.Samples.Refunds;

/// <summary>Today's date for the refund rules and the seed data: a pinned date, or the current UTC date from a <see cref="TimeProvider"/>.</summary>
/// <param name="time">The clock used when no date is pinned.</param>
/// <param name="pinnedToday">A fixed today (<c>--today</c>), or null.</param>
public sealed class BusinessCalendar(TimeProvider time, DateOnly? pinnedToday = null)
{
    /// <summary>The date the server treats as today.</summary>
    public DateOnly Today => pinnedToday ?? DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
}
