using Grpc.Core;

namespace AgentMesh.TaskHub.InProcess;

/// <summary>
/// The server side's view of an in-process call: the caller's metadata and deadline, and a
/// cancellation token that fires when the deadline passes or the caller cancels or disposes the
/// call. Peer is <c>inproc</c>.
/// </summary>
internal sealed class InProcessServerCallContext : ServerCallContext, IDisposable
{
    private readonly CancellationTokenSource _cancellation;
    private readonly CancellationTokenSource? _deadlineTimer;
    private readonly string _method;
    private readonly Metadata _requestHeaders;
    private readonly DateTime _deadline;

    public InProcessServerCallContext(string method, CallOptions options)
    {
        _method = method;
        _requestHeaders = options.Headers ?? new Metadata();
        _deadline = options.Deadline ?? DateTime.MaxValue;
        _deadlineTimer = options.Deadline is { } deadline ? new CancellationTokenSource(Remaining(deadline)) : null;
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken, _deadlineTimer?.Token ?? CancellationToken.None);
    }

    /// <summary>Whether the deadline has passed.</summary>
    public bool DeadlinePassed => _deadlineTimer?.IsCancellationRequested == true;

    /// <summary>Ends the call from the caller's side: the handler's token fires.</summary>
    public void Cancel()
    {
        try
        {
            _cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The call had already ended.
        }
    }

    public void Dispose()
    {
        _cancellation.Dispose();
        _deadlineTimer?.Dispose();
    }

    protected override string MethodCore => _method;
    protected override string HostCore => "inproc";
    protected override string PeerCore => "inproc";
    protected override DateTime DeadlineCore => _deadline;
    protected override Metadata RequestHeadersCore => _requestHeaders;
    protected override CancellationToken CancellationTokenCore => _cancellation.Token;
    protected override Metadata ResponseTrailersCore { get; } = new();
    protected override Status StatusCore { get; set; }
    protected override WriteOptions? WriteOptionsCore { get; set; }
    protected override AuthContext AuthContextCore { get; } = new(null, new Dictionary<string, List<AuthProperty>>());

    protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options)
        => throw new NotSupportedException("In-process calls do not propagate their context.");

    protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;

    private static TimeSpan Remaining(DateTime deadline)
    {
        var remaining = deadline.ToUniversalTime() - DateTime.UtcNow;
        return remaining <= TimeSpan.Zero ? TimeSpan.Zero
            : remaining.TotalMilliseconds >= int.MaxValue ? Timeout.InfiniteTimeSpan : remaining;
    }
}
