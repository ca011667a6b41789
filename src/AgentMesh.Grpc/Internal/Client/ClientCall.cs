using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using AgentMesh.Grpc.Client;
using AgentMesh.Grpc.Internal.Wire;
using Google.Protobuf;

namespace AgentMesh.Grpc.Internal.Client;

/// <summary>
/// One client call on one HTTP/2 stream: sends the request, reads headers, messages and the
/// status (from trailers, or from headers for Trailers-Only), enforces the deadline, and resets
/// the stream when cancelled or disposed before the end.
/// </summary>
internal sealed class ClientCall<TRequest, TResponse> : IResponseCall<TResponse>
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new()
{
    private readonly GrpcChannel _channel;
    private readonly Method<TRequest, TResponse> _method;
    private readonly CallOptions _options;
    private readonly CancellationTokenSource _deadline = new();
    private readonly CancellationTokenSource _cancellation;
    private readonly TaskCompletionSource<Metadata> _headers = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _gate = new();
    private Task _started = Task.CompletedTask;
    private HttpResponseMessage? _response;
    private MessageReader? _reader;
    private StreamingRequestContent? _requestBody;
    private Status? _status;
    private Metadata? _trailers;
    private bool _disposed;

    public ClientCall(GrpcChannel channel, Method<TRequest, TResponse> method, CallOptions options)
    {
        _channel = channel;
        _method = method;
        _options = options;
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken, _deadline.Token);
    }

    public Task<Metadata> ResponseHeadersAsync => _headers.Task;

    /// <summary>Completes once the response headers were read (for Trailers-Only, after the call ended); faults when the call failed before.</summary>
    public Task HeadersRead => _started;

    /// <summary>True once the call has its status.</summary>
    public bool HasEnded => _status is not null;

    /// <summary>Starts the call with a complete request body (unary, server streaming).</summary>
    public void Start(TRequest request)
    {
        var content = new ByteArrayContent(MessageFraming.Frame(request));
        content.Headers.ContentType = new MediaTypeHeaderValue(GrpcHeaders.ContentType);
        Start(content);
    }

    /// <summary>Starts the call with a request body written later through <see cref="WriteAsync"/>.</summary>
    public void StartStreaming()
    {
        _requestBody = new StreamingRequestContent();
        Start(_requestBody);
    }

    /// <summary>Writes one request message; throws the call's <see cref="RpcException"/> once it failed.</summary>
    public async Task WriteAsync(TRequest message, CancellationToken cancellationToken)
    {
        ThrowIfEnded();
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _cancellation.Token);
            var stream = await _requestBody!.Stream.WaitAsync(linked.Token).ConfigureAwait(false);
            await stream.WriteAsync(MessageFraming.Frame(message), linked.Token).ConfigureAwait(false);
            await stream.FlushAsync(linked.Token).ConfigureAwait(false);
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

            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _cancellation.Token);
            var message = await _reader!.ReadAsync(_method.ResponseParser, linked.Token).ConfigureAwait(false);
            if (message is not null)
            {
                return message;
            }

            var status = ResponseMetadata.ReadStatus(_response!.TrailingHeaders)
                ?? new Status(StatusCode.Internal, "The response ended without grpc-status.");
            End(status, ResponseMetadata.Read(_response.TrailingHeaders));
            return ResultOfEnd();
        }
        catch (Exception exception) when (exception is not RpcException || _status is null)
        {
            throw Fail(exception);
        }
    }

    public async Task<TResponse> ReadSingleMessageAsync(CancellationToken cancellationToken)
    {
        var message = await ReadMessageAsync(cancellationToken).ConfigureAwait(false);
        if (message is null)
        {
            throw new RpcException(StatusCode.Internal, "The call ended OK without a response message.");
        }

        if (await ReadMessageAsync(cancellationToken).ConfigureAwait(false) is not null)
        {
            throw new RpcException(StatusCode.Internal, "The response has more than one message; this method returns one.");
        }

        return message;
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
            _cancellation.Cancel(); // ends the call as CANCELLED and resets the HTTP/2 stream
        }

        lock (_gate)
        {
            _response?.Dispose();
        }

        _cancellation.Dispose();
        _deadline.Dispose();
    }

    private void Start(HttpContent content)
    {
        if (_options.Deadline is { } deadline)
        {
            var remaining = deadline.ToUniversalTime() - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero)
            {
                content.Dispose();
                _started = Task.FromException(Fail(new RpcException(StatusCode.DeadlineExceeded, "Deadline Exceeded")));
                return;
            }

            if (remaining.TotalMilliseconds < uint.MaxValue - 1)
            {
                _deadline.CancelAfter(remaining);
            }
        }

        var request = CreateRequest(content);
        _cancellation.Token.Register(static state => ((ClientCall<TRequest, TResponse>)state!).Fail(new OperationCanceledException()), this);
        _started = SendAsync(request);
    }

    private HttpRequestMessage CreateRequest(HttpContent content)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_channel.Address, _method.FullName))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        request.Headers.TryAddWithoutValidation(GrpcHeaders.UserAgent, _channel.UserAgent);
        request.Headers.TryAddWithoutValidation(GrpcHeaders.AcceptEncoding, GrpcHeaders.SupportedEncodings);
        if (_options.Deadline is { } deadline)
        {
            request.Headers.TryAddWithoutValidation(GrpcHeaders.Timeout, TimeoutHeader.Format(deadline.ToUniversalTime() - DateTime.UtcNow));
        }

        foreach (var entry in _options.Headers ?? Enumerable.Empty<Metadata.Entry>())
        {
            if (!ReservedHeaders.IsReserved(entry.Key))
            {
                request.Headers.TryAddWithoutValidation(entry.Key, MetadataCodec.Encode(entry));
            }
        }

        return request;
    }

    private async Task SendAsync(HttpRequestMessage request)
    {
        try
        {
            var response = await _channel.HttpClient
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, _cancellation.Token).ConfigureAwait(false);
            lock (_gate)
            {
                _response = response;
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
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new RpcException(HttpStatusMapping.ToStatusCode(response.StatusCode),
                $"Bad gRPC response: HTTP status {(int)response.StatusCode}.");
        }

        var contentType = response.Content.Headers.ContentType?.MediaType;
        if (!GrpcHeaders.IsGrpcContentType(contentType))
        {
            throw new RpcException(StatusCode.Internal, $"Bad gRPC response: content-type '{contentType}'.");
        }

        var headers = ResponseMetadata.Read(response.Headers);
        if (ResponseMetadata.ReadStatus(response.Headers) is { } status)
        {
            _headers.TrySetResult(headers);
            End(status, headers);
            return;
        }

        _headers.TrySetResult(headers);
        var body = await response.Content.ReadAsStreamAsync(_cancellation.Token).ConfigureAwait(false);
        var encoding = response.Headers.NonValidated.TryGetValues(GrpcHeaders.Encoding, out var values) ? values.ToString() : null;
        _reader = new MessageReader(PipeReader.Create(body), _channel.Options.MaxReceiveMessageSize, encoding);
    }

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

    /// <summary>Ends the call with <paramref name="status"/>; the first end wins.</summary>
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
            response = _response;
        }

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
        var status = _deadline.IsCancellationRequested
            ? new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded")
            : _options.CancellationToken.IsCancellationRequested || _disposed || exception is OperationCanceledException
                ? new Status(StatusCode.Cancelled, "Call cancelled by the client.")
                : exception switch
                {
                    RpcException rpc => rpc.Status,
                    HttpRequestException http => new Status(StatusCode.Unavailable, $"Error connecting to {_channel.Address}: {http.Message}"),
                    IOException io => new Status(StatusCode.Unavailable, $"Connection error: {io.Message}"),
                    _ => new Status(StatusCode.Internal, $"Error in the gRPC call: {exception.GetType().Name}: {exception.Message}"),
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
