namespace AgentMesh.Grpc.Client;

/// <summary>
/// Client retries of calls that fail with a retryable status, after grpc's retry design (A6).
/// A channel retries only methods whose proto option <c>idempotency_level</c> is
/// <c>IDEMPOTENT</c> or <c>NO_SIDE_EFFECTS</c>, and only unary and server-streaming calls that
/// have received no response headers or messages yet (a Trailers-Only response is retryable).
/// Retry <c>n</c> (1 for the first) waits a random time in
/// [0, min(<see cref="InitialBackoff"/> × <see cref="BackoffMultiplier"/>^(n−1), <see cref="MaxBackoff"/>)),
/// and is sent with the header <c>grpc-previous-rpc-attempts: n</c>. No attempt starts after
/// the call's deadline: when the backoff would end past it, the call ends with the last status.
/// Setters throw <see cref="ArgumentOutOfRangeException"/> / <see cref="ArgumentException"/> for
/// invalid values, naming the setting.
/// </summary>
public sealed class RetryPolicy
{
    /// <summary>The most attempts a call makes, whatever <see cref="MaxAttempts"/> says (A6's client limit).</summary>
    public const int MaxAttemptsLimit = 5;

    private readonly int _maxAttempts = MaxAttemptsLimit;
    private readonly TimeSpan _initialBackoff = TimeSpan.FromMilliseconds(200);
    private readonly TimeSpan _maxBackoff = TimeSpan.FromSeconds(5);
    private readonly double _backoffMultiplier = 2;
    private readonly IReadOnlySet<StatusCode> _retryableStatusCodes = new HashSet<StatusCode> { StatusCode.Unavailable };

    /// <summary>Attempts per call including the first; at least 2; values above <see cref="MaxAttemptsLimit"/> count as it. Default 5.</summary>
    public int MaxAttempts
    {
        get => _maxAttempts;
        init => _maxAttempts = value >= 2
            ? Math.Min(value, MaxAttemptsLimit)
            : throw new ArgumentOutOfRangeException(nameof(MaxAttempts), value,
                "RetryPolicy.MaxAttempts counts the first attempt and must be at least 2; set GrpcChannelOptions.RetryPolicy to null to turn retries off.");
    }

    /// <summary>Upper bound of the first retry's random backoff; positive. Default 200 ms.</summary>
    public TimeSpan InitialBackoff
    {
        get => _initialBackoff;
        init => _initialBackoff = Positive(value, nameof(InitialBackoff));
    }

    /// <summary>Largest upper bound of a retry's random backoff; positive. Default 5 s.</summary>
    public TimeSpan MaxBackoff
    {
        get => _maxBackoff;
        init => _maxBackoff = Positive(value, nameof(MaxBackoff));
    }

    /// <summary>Factor by which the backoff bound grows after each retry; positive. Default 2.</summary>
    public double BackoffMultiplier
    {
        get => _backoffMultiplier;
        init => _backoffMultiplier = value > 0 && double.IsFinite(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(BackoffMultiplier), value, "RetryPolicy.BackoffMultiplier must be a positive number.");
    }

    /// <summary>Statuses after which a call is retried; not empty, without OK. Default {UNAVAILABLE}.</summary>
    public IReadOnlySet<StatusCode> RetryableStatusCodes
    {
        get => _retryableStatusCodes;
        init => _retryableStatusCodes = value is { Count: > 0 } && !value.Contains(StatusCode.OK)
            ? new HashSet<StatusCode>(value)
            : throw new ArgumentException("RetryPolicy.RetryableStatusCodes must name at least one status, and not OK.", nameof(RetryableStatusCodes));
    }

    /// <summary>The random wait before retry <paramref name="retry"/> (1 for the first retry).</summary>
    internal TimeSpan Backoff(int retry)
    {
        var bound = Math.Min(InitialBackoff.TotalMilliseconds * Math.Pow(BackoffMultiplier, retry - 1), MaxBackoff.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * bound);
    }

    private static TimeSpan Positive(TimeSpan value, string name) => value > TimeSpan.Zero
        ? value
        : throw new ArgumentOutOfRangeException(name, value, $"RetryPolicy.{name} must be positive.");
}
