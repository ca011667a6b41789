using System.Globalization;
using AgentMesh.Grpc.Client;
using Google.Protobuf;

namespace AgentMesh.Grpc.Internal.Client;

/// <summary>
/// A unary or server-streaming call made in attempts (grpc A6): each attempt is a
/// <see cref="ClientCall{TRequest, TResponse}"/> on its own HTTP/2 stream. An attempt that ends
/// with a retryable status before any response headers is followed, after the policy's backoff,
/// by the next (with <c>grpc-previous-rpc-attempts</c>); the call commits to the first attempt that
/// receives headers, ends otherwise, is the last allowed, or whose backoff would pass the deadline.
/// </summary>
internal sealed class RetryingCall<TRequest, TResponse> : IResponseCall<TResponse>
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new()
{
    /// <summary>Header telling the server how many attempts of this call came before.</summary>
    private const string PreviousAttemptsHeader = "grpc-previous-rpc-attempts";

    private readonly GrpcChannel _channel;
    private readonly Method<TRequest, TResponse> _method;
    private readonly TRequest _request;
    private readonly CallOptions _options;
    private readonly RetryPolicy _policy;
    private readonly TaskCompletionSource _disposedSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _gate = new();
    private readonly Task<ClientCall<TRequest, TResponse>> _committed;
    private readonly Lazy<Task<TResponse>> _response;
    private ClientCall<TRequest, TResponse>? _current;
    private Task<Metadata>? _headers;
    private bool _disposed;

    private RetryingCall(ClientCall<TRequest, TResponse> first, GrpcChannel channel, Method<TRequest, TResponse> method,
        TRequest request, CallOptions options, RetryPolicy policy)
    {
        _channel = channel;
        _method = method;
        _request = request;
        _options = options;
        _policy = policy;
        _response = new Lazy<Task<TResponse>>(ResponseOfCommittedAsync);
        _committed = RunAttemptsAsync(first);
    }

    public Task<Metadata> ResponseHeadersAsync => _headers ??= HeadersAsync();

    public Task<TResponse> ResponseAsync => _response.Value;

    /// <summary>
    /// Starts a call of <paramref name="callType"/> (unary or server streaming) with its request
    /// message: retried under the channel's <see cref="GrpcChannelOptions.RetryPolicy"/> when the
    /// method is IDEMPOTENT or NO_SIDE_EFFECTS. Throws <see cref="ArgumentException"/> as
    /// <see cref="ClientCall{TRequest, TResponse}"/> does.
    /// </summary>
    public static IResponseCall<TResponse> Start(
        GrpcChannel channel, Method<TRequest, TResponse> method, MethodType callType, TRequest request, CallOptions options)
    {
        var first = new ClientCall<TRequest, TResponse>(channel, method, callType, options);
        if (channel.Options.RetryPolicy is { } policy && IsRetrySafe(method))
        {
            return new RetryingCall<TRequest, TResponse>(first, channel, method, request, options, policy);
        }

        first.Start(request);
        return first;
    }

    public Task<TResponse?> ReadMessageAsync(CancellationToken cancellationToken) => _committed.IsCompletedSuccessfully
        ? _committed.Result.ReadMessageAsync(cancellationToken)
        : ReadAfterCommitAsync(cancellationToken);

    public Status GetStatus() => Committed().GetStatus();

    public Metadata GetTrailers() => Committed().GetTrailers();

    public void Dispose()
    {
        ClientCall<TRequest, TResponse>? current;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            current = _current;
        }

        _disposedSignal.TrySetResult();
        current?.Dispose();
    }

    private static bool IsRetrySafe(Method<TRequest, TResponse> method)
        => method.Type is MethodType.Unary or MethodType.ServerStreaming
            && method.IdempotencyLevel is Google.Protobuf.Reflection.MethodOptions.Types.IdempotencyLevel.Idempotent
                or Google.Protobuf.Reflection.MethodOptions.Types.IdempotencyLevel.NoSideEffects;

    private async Task<ClientCall<TRequest, TResponse>> RunAttemptsAsync(ClientCall<TRequest, TResponse> first)
    {
        for (var attempt = 1; ; attempt++)
        {
            var call = StartAttempt(attempt, first);
            if (!await ShouldRetryAsync(call, attempt).ConfigureAwait(false))
            {
                return call;
            }

            call.Dispose();
        }
    }

    /// <summary>Starts attempt <paramref name="attempt"/>: <paramref name="first"/>, or a retry telling the attempts before it.</summary>
    private ClientCall<TRequest, TResponse> StartAttempt(int attempt, ClientCall<TRequest, TResponse> first)
    {
        var call = attempt == 1
            ? first
            : new ClientCall<TRequest, TResponse>(_channel, _method, _method.Type, _options with { Headers = WithPreviousAttempts(attempt - 1) });
        bool disposed;
        lock (_gate)
        {
            _current = call;
            disposed = _disposed;
        }

        call.Start(_request);
        if (disposed)
        {
            call.Dispose();
        }

        return call;
    }

    /// <summary>Waits for the attempt's headers; true (after the backoff) when another attempt follows.</summary>
    private async Task<bool> ShouldRetryAsync(ClientCall<TRequest, TResponse> call, int attempt)
    {
        try
        {
            await call.HeadersRead.ConfigureAwait(false);
        }
        catch (RpcException)
        {
            // The attempt ended before headers; its status decides.
        }

        if (!call.HasEnded || attempt >= _policy.MaxAttempts || !_policy.RetryableStatusCodes.Contains(call.GetStatus().StatusCode))
        {
            return false;
        }

        var backoff = _policy.Backoff(attempt);
        if (_options.Deadline is { } deadline && DateTime.UtcNow + backoff >= deadline.ToUniversalTime())
        {
            return false;
        }

        // Cancelled by the caller, the wait ends early and the next attempt ends CANCELLED at once.
        await Task.WhenAny(Task.Delay(backoff, _options.CancellationToken), _disposedSignal.Task).ConfigureAwait(false);
        lock (_gate)
        {
            return !_disposed;
        }
    }

    private Metadata WithPreviousAttempts(int previous)
    {
        var headers = new Metadata();
        foreach (var entry in (_options.Headers ?? Enumerable.Empty<Metadata.Entry>()).Where(e => e.Key != PreviousAttemptsHeader))
        {
            if (entry.IsBinary)
            {
                headers.Add(entry.Key, entry.ValueBytes!);
            }
            else
            {
                headers.Add(entry.Key, entry.Value!);
            }
        }

        headers.Add(PreviousAttemptsHeader, previous.ToString(CultureInfo.InvariantCulture));
        return headers;
    }

    private ClientCall<TRequest, TResponse> Committed() => _committed.IsCompletedSuccessfully
        ? _committed.Result
        : throw new InvalidOperationException("The call has not ended yet.");

    private async Task<TResponse> ResponseOfCommittedAsync()
        => await (await _committed.ConfigureAwait(false)).ResponseAsync.ConfigureAwait(false);

    private async Task<TResponse?> ReadAfterCommitAsync(CancellationToken cancellationToken)
        => await (await _committed.ConfigureAwait(false)).ReadMessageAsync(cancellationToken).ConfigureAwait(false);

    private async Task<Metadata> HeadersAsync()
        => await (await _committed.ConfigureAwait(false)).ResponseHeadersAsync.ConfigureAwait(false);
}
