using System.IO.Pipelines;
using AgentMesh.Grpc.Client;
using AgentMesh.Grpc.Internal.Wire;
using Google.Protobuf;

namespace AgentMesh.Grpc.Internal.Client;

/// <summary>
/// One client call on one HTTP/2 stream: sends the request (compressed when the call's encoding
/// says so), reads headers, messages and the status (from trailers, or from headers for
/// Trailers-Only), and ends exactly once; ending non-OK (cancelled, deadline, error) resets the
/// stream and fails pending writers and readers with the same <see cref="RpcException"/>.
/// </summary>
internal sealed class ClientCall<TRequest, TResponse> : IResponseCall<TResponse>
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new()
{
    private static readonly Status DeadlineExceeded = new(StatusCode.DeadlineExceeded, "Deadline Exceeded");
    private static readonly Status Cancelled = new(StatusCode.Cancelled, "Call cancelled by the client.");

    private readonly GrpcChannel _channel;
    private readonly Method<TRequest, TResponse> _method;
    private readonly CallOptions _options;
    private readonly string? _encoding;
    private readonly CallCancellation _cancellation = new();
    private readonly TaskCompletionSource<Metadata> _headers = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lazy<Task<TResponse>> _response;
    private readonly object _gate = new();
    private Task _started = Task.CompletedTask;
    private HttpResponseMessage? _httpResponse;
    private MessageReader? _reader;
    private StreamingRequestContent? _requestBody;
    private Status? _status;
    private Metadata? _trailers;
    private bool _disposed;

    /// <summary>
    /// Throws <see cref="ArgumentException"/> when <paramref name="method"/> is not of <paramref name="callType"/>
    /// or the call's compression encoding is not supported.
    /// </summary>
    public ClientCall(GrpcChannel channel, Method<TRequest, TResponse> method, MethodType callType, CallOptions options)
    {
        if (method.Type != callType)
        {
            throw new ArgumentException($"{method.FullName} is a {method.Type} method; it cannot be called as {callType}.", nameof(method));
        }

        _channel = channel;
        _method = method;
        _options = options;
        _encoding = MessageCompression.Normalize(options.CompressionEncoding ?? channel.Options.CompressionEncoding,
            nameof(CallOptions.CompressionEncoding));
        _response = new Lazy<Task<TResponse>>(ReadSingleMessageAsync);
    }

    public Task<Metadata> ResponseHeadersAsync => _headers.Task;

    public Task<TResponse> ResponseAsync => _response.Value;

    /// <summary>Completes once the response headers were read (for Trailers-Only, after the call ended); faults when the call failed before.</summary>
    public Task HeadersRead => _started;

    /// <summary>True once the call has its status.</summary>
    public bool HasEnded => _status is not null;

    /// <summary>Starts the call with a complete request body (unary, server streaming).</summary>
    public void Start(TRequest request) => Start(CallRequest.Body(MessageFraming.Frame(request, Compresses(_options.WriteOptions))));

    /// <summary>Starts the call with a request body written later through <see cref="WriteAsync"/>.</summary>
    public void StartStreaming()
    {
        _requestBody = new StreamingRequestContent();
        Start(_requestBody);
    }

    /// <summary>Writes one request message; throws the call's <see cref="RpcException"/> once it failed.</summary>
    public async Task WriteAsync(TRequest message, WriteOptions? writeOptions, CancellationToken cancellationToken)
    {
        ThrowIfEnded();
        try
        {
            using var linked = Link(cancellationToken);
            var token = linked?.Token ?? _cancellation.Token;
            var stream = await _requestBody!.Stream.WaitAsync(token).ConfigureAwait(false);
            await stream.WriteAsync(MessageFraming.Frame(message, Compresses(writeOptions)), token).ConfigureAwait(false);
            if (((writeOptions?.Flags ?? WriteFlags.None) & WriteFlags.BufferHint) == 0)
            {
                await stream.FlushAsync(token).ConfigureAwait(false);
            }
        }
        catch (Exception exception)
        {
            throw Fail(exception);
        }
    }

    /// <summary>Ends the request stream (END_STREAM).</summary>
    public void CompleteRequest() => _requestBody?.Complete();

    public async Task<TResponse?> ReadMessageAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _started.ConfigureAwait(false);
            if (_status is not null)
            {
                return ResultOfEnd();
            }

            using var linked = Link(cancellationToken);
            var message = await _reader!.ReadAsync(_method.ResponseParser, linked?.Token ?? _cancellation.Token).ConfigureAwait(false);
            if (message is not null)
            {
                return message;
            }

            var trailers = _httpResponse!.TrailingHeaders;
            var status = ResponseMetadata.ReadStatus(trailers)
                ?? new Status(StatusCode.Internal, "The response ended without grpc-status.");
            End(status, MetadataCodec.FromHeaders(trailers.NonValidated));
            return ResultOfEnd();
        }
        catch (Exception exception) when (exception is not RpcException || _status is null)
        {
            throw Fail(exception);
        }
    }

    public Status GetStatus() => _status ?? throw new InvalidOperationException("The call has not ended yet.");

    public Metadata GetTrailers() => _status is null
        ? throw new InvalidOperationException("The call has not ended yet.")
        : _trailers ?? new Metadata();

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        if (_status is null)
        {
            _cancellation.Cancel(CancellationReason.Disposed); // ends the call as CANCELLED and resets the HTTP/2 stream
        }

        lock (_gate)
        {
            _httpResponse?.Dispose();
        }

        _cancellation.Release();
    }

    private void Start(HttpContent content)
    {
        var timeout = _options.Deadline is { } deadline ? deadline.ToUniversalTime() - DateTime.UtcNow : (TimeSpan?)null;
        _cancellation.Start(_options.CancellationToken, timeout,
            static state => ((ClientCall<TRequest, TResponse>)state!).Fail(new OperationCanceledException()), this);
        if (_status is not null)
        {
            content.Dispose(); // cancelled or past its deadline before it started: nothing is sent
            return;
        }

        _started = SendAsync(CallRequest.Create(_channel, _method.FullName, _options, _encoding, content));
    }

    private async Task SendAsync(HttpRequestMessage request)
    {
        try
        {
            var response = await _channel.HttpClient
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, _cancellation.Token).ConfigureAwait(false);
            lock (_gate)
            {
                _httpResponse = response;
                if (_status is { StatusCode: not StatusCode.OK } || _disposed)
                {
                    response.Dispose();
                }
            }

            _cancellation.Token.ThrowIfCancellationRequested();
            await ReadHeadersAsync(response).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not RpcException || _status is null)
        {
            throw Fail(exception);
        }
    }

    private async Task ReadHeadersAsync(HttpResponseMessage response)
    {
        if (ResponseMetadata.CheckResponse(response) is { } invalid)
        {
            throw invalid;
        }

        var headers = MetadataCodec.FromHeaders(response.Headers.NonValidated);
        _headers.TrySetResult(headers);
        if (ResponseMetadata.ReadStatus(response.Headers) is { } status)
        {
            End(status, headers); // Trailers-Only
            return;
        }

        var body = await response.Content.ReadAsStreamAsync(_cancellation.Token).ConfigureAwait(false);
        _reader = new MessageReader(PipeReader.Create(body), _channel.Options.MaxReceiveMessageSize,
            ResponseMetadata.ReadEncoding(response.Headers));
    }

    private async Task<TResponse> ReadSingleMessageAsync()
    {
        var message = await ReadMessageAsync(CancellationToken.None).ConfigureAwait(false)
            ?? throw new RpcException(StatusCode.Internal, "The call ended OK without a response message.");
        if (await ReadMessageAsync(CancellationToken.None).ConfigureAwait(false) is not null)
        {
            throw new RpcException(StatusCode.Internal, "The response has more than one message; this method returns one.");
        }

        return message;
    }

    private bool Compresses(WriteOptions? writeOptions)
        => _encoding is not null && ((writeOptions?.Flags ?? WriteFlags.None) & WriteFlags.NoCompress) == 0;

    private CancellationTokenSource? Link(CancellationToken cancellationToken) => cancellationToken.CanBeCanceled
        ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _cancellation.Token)
        : null;

    private TResponse? ResultOfEnd() => _status!.Value.StatusCode == StatusCode.OK
        ? null
        : throw new RpcException(_status.Value, _trailers);

    private void ThrowIfEnded()
    {
        if (_status is { } status)
        {
            throw status.StatusCode == StatusCode.OK
                ? new InvalidOperationException("The call has already ended.")
                : new RpcException(status, _trailers);
        }
    }

    /// <summary>Ends the call with <paramref name="status"/>; the first end wins and releases the call's cancellation sources.</summary>
    private bool End(Status status, Metadata trailers)
    {
        HttpResponseMessage? response;
        lock (_gate)
        {
            if (_status is not null)
            {
                return false;
            }

            _status = status;
            _trailers = trailers;
            response = _httpResponse;
        }

        _cancellation.Release();
        var error = status.StatusCode == StatusCode.OK
            ? (Exception)new InvalidOperationException("The call has already ended.")
            : new RpcException(status, trailers);
        _headers.TrySetException(error);
        _requestBody?.Abort(error);
        if (status.StatusCode != StatusCode.OK)
        {
            response?.Dispose(); // resets the HTTP/2 stream if it is still open
        }

        return true;
    }

    /// <summary>Ends the call for <paramref name="exception"/> and returns the <see cref="RpcException"/> to throw.</summary>
    private RpcException Fail(Exception exception)
    {
        var status = _cancellation.Reason switch
        {
            CancellationReason.Deadline => DeadlineExceeded,
            CancellationReason.Caller or CancellationReason.Disposed => Cancelled,
            _ when exception is OperationCanceledException => Cancelled,
            _ => TransportErrorMapping.ToStatus(exception, _channel.Address),
        };
        if (exception is RpcException { Status: var same } known && same == status && End(status, known.Trailers))
        {
            return known;
        }

        End(status, new Metadata());
        var ended = _status!.Value;
        return ended.StatusCode == StatusCode.OK ? new RpcException(status) : new RpcException(ended, _trailers);
    }
}
