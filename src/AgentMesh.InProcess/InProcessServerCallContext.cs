using Grpc.Core;

namespace AgentMesh.InProcess;

/// <summary>
/// The server side's view of one attempt of an in-process call: the caller's metadata and deadline, and a
/// cancellation token that fires when the deadline passes or the caller cancels or disposes the call.
/// Peer and host are <c>inproc</c>. While the handler runs, <see cref="Current"/> is this context, so the
/// in-process calls the handler makes inherit its deadline and cancellation (there is no HttpContext, and
/// setting <c>IHttpContextAccessor.HttpContext</c> would clear the caller's).
/// </summary>
internal sealed class InProcessServerCallContext : ServerCallContext, IDisposable
{
    private static readonly AsyncLocal<Holder?> CurrentCall = new();
    private Holder? _holder;

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

    /// <summary>The in-process call whose handler is running in this async flow, or null.</summary>
    public static InProcessServerCallContext? Current => CurrentCall.Value?.Call;

    /// <summary>
    /// Makes this call <see cref="Current"/> for the rest of the calling async method and what it awaits, until
    /// the call ends (work the handler left running then no longer sees it).
    /// </summary>
    public void Enter() => CurrentCall.Value = _holder = new Holder { Call = this };

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
        _holder?.Call = null;
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
        => throw new NotSupportedException("In-process calls propagate their context through grpc-dotnet's call-context propagation, not Grpc.Core's tokens.");

    protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;

    /// <summary>Shared by every flow that captured <see cref="Current"/>, so the call's end clears it for all.</summary>
    private sealed class Holder
    {
        public InProcessServerCallContext? Call;
    }

    private static TimeSpan Remaining(DateTime deadline)
    {
        var remaining = deadline.ToUniversalTime() - DateTime.UtcNow;
        return remaining <= TimeSpan.Zero ? TimeSpan.Zero
            : remaining.TotalMilliseconds >= int.MaxValue ? Timeout.InfiniteTimeSpan : remaining;
    }
}
