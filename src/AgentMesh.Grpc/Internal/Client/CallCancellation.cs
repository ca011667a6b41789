namespace AgentMesh.Grpc.Internal.Client;

/// <summary>Why a client call's token was cancelled; the first reason wins.</summary>
internal enum CancellationReason
{
    None,
    Deadline,
    Caller,
    Disposed,
}

/// <summary>
/// Deadline and cancellation of one client call: <see cref="Token"/> is cancelled when the caller's
/// token is, the deadline passes or the call is disposed, and <see cref="Reason"/> says which came
/// first. <see cref="Release"/>, at the end of the call, stops the deadline timer and unregisters
/// from the caller's token, so a long-lived caller token holds nothing of ended calls.
/// </summary>
internal sealed class CallCancellation
{
    /// <summary>Longest timer a <see cref="Timer"/> accepts; longer deadlines are left to the server.</summary>
    private const double MaxTimerMilliseconds = uint.MaxValue - 1.0;

    private readonly CancellationTokenSource _source = new();
    private CancellationTokenRegistration _callerRegistration;
    private Timer? _deadlineTimer;
    private int _reason;

    public CancellationToken Token => _source.Token;

    public CancellationReason Reason => (CancellationReason)Volatile.Read(ref _reason);

    /// <summary>
    /// Starts watching <paramref name="caller"/> and, when given, a deadline <paramref name="timeout"/> from
    /// now (zero or less cancels at once); <paramref name="onCancelled"/> runs once, when <see cref="Token"/> is cancelled.
    /// </summary>
    public void Start(CancellationToken caller, TimeSpan? timeout, Action<object?> onCancelled, object state)
    {
        _source.Token.UnsafeRegister(onCancelled, state);
        if (timeout is { } remaining)
        {
            if (remaining <= TimeSpan.Zero)
            {
                Cancel(CancellationReason.Deadline);
                return;
            }

            if (remaining.TotalMilliseconds < MaxTimerMilliseconds)
            {
                _deadlineTimer = new Timer(static state => ((CallCancellation)state!).Cancel(CancellationReason.Deadline),
                    this, remaining, Timeout.InfiniteTimeSpan);
            }
        }

        if (caller.CanBeCanceled)
        {
            _callerRegistration = caller.UnsafeRegister(static state => ((CallCancellation)state!).Cancel(CancellationReason.Caller), this);
        }
    }

    /// <summary>Cancels <see cref="Token"/> for <paramref name="reason"/> unless it already was.</summary>
    public void Cancel(CancellationReason reason)
    {
        if (Interlocked.CompareExchange(ref _reason, (int)reason, (int)CancellationReason.None) == (int)CancellationReason.None)
        {
            _source.Cancel();
        }
    }

    /// <summary>The call ended: stops the deadline timer and unregisters from the caller's token (without waiting for a running callback).</summary>
    public void Release()
    {
        _deadlineTimer?.Dispose();
        _callerRegistration.Unregister();
    }
}
