using System.Runtime.CompilerServices;
using System.Buffers;
using System.IO.Pipelines;
using AgentMesh.Grpc.Internal.Wire;
using AgentMesh.Grpc.Server;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Logging;

namespace AgentMesh.Grpc.Internal.Server;

/// <summary>
/// One server call on one HTTP/2 stream: its deadline and cancellation, reading request messages,
/// writing response headers and (possibly compressed) messages, and ending with a status (in
/// trailers, or Trailers-Only).
/// </summary>
internal sealed class ServerCall : IDisposable
{
    /// <summary>Largest serialized message a streaming write frames into the call's staging buffer (see <see cref="WriteAndFlush"/>).</summary>
    private const int SmallMessageSize = 16 * 1024;

    /// <summary>The token source of every call that has ended: cancelled, never disposed.</summary>
    private static readonly CancellationTokenSource Ended = new(TimeSpan.Zero);

    private CancellationTokenSource? _cancellation;
    private readonly CancellationTokenSource? _deadline;
    private readonly MessageReader _reader;
    private string? _responseEncoding;
    private bool _headersPrepared;
    private bool _compressResponses;
    private bool _ended;
    private readonly CancellationToken _drainExpired;
    private readonly ActiveCallCounter _activeCalls;
    private bool _requestStreamBroken;
    private ArrayBufferWriter<byte>? _staging;

    public ServerCall(
        HttpContext http, string method, GrpcServerOptions options, ILogger logger, CancellationToken drainExpired, ActiveCallCounter activeCalls)
    {
        Http = http;
        Method = method;
        Options = options;
        Logger = logger;
        Deadline = DateTime.MaxValue;
        _drainExpired = drainExpired;
        var timeoutHeader = http.Request.Headers.GrpcTimeout.ToString();
        var timeout = timeoutHeader.Length > 0 ? ParseDeadline(timeoutHeader) : null;
        if (timeout is { } enforced)
        {
            _deadline = new CancellationTokenSource();
            _cancellation = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, _deadline.Token, drainExpired);
            _deadline.CancelAfter(enforced);
        }

        _reader = new MessageReader(http.Request.BodyReader, options.MaxReceiveMessageSize,
            http.Request.Headers.GrpcEncoding.ToString());
        _responseEncoding = options.ResponseCompressionEncoding;
        Context = new HttpServerCallContext(this);
        _activeCalls = activeCalls;
        _activeCalls.Increment();
    }

    public HttpContext Http { get; }

    public string Method { get; }

    public GrpcServerOptions Options { get; }

    public ILogger Logger { get; }

    public DateTime Deadline { get; private set; }

    /// <summary>
    /// Fires when the client resets the stream, the deadline passes or the shutdown drain timeout
    /// elapses. Without a deadline, its source is created on first use only.
    /// </summary>
    public CancellationToken CancellationToken => (_cancellation ?? LinkOnFirstUse()).Token;

    public HttpServerCallContext Context { get; }

    /// <summary>Options of the following response messages (the context's and the stream writer's).</summary>
    public WriteOptions? WriteOptions { get; set; }

    /// <summary>Whether the last request message read was compressed.</summary>
    public bool RequestMessageCompressed => _reader.LastMessageCompressed;

    /// <summary>See <see cref="ServerCallContext.ResponseCompressionEncoding"/>.</summary>
    public string? ResponseCompressionEncoding
    {
        get => _responseEncoding;
        set
        {
            var encoding = MessageCompression.Normalize(value, nameof(ServerCallContext.ResponseCompressionEncoding));
            _responseEncoding = _headersPrepared || Http.Response.HasStarted
                ? throw new InvalidOperationException(
                    "ResponseCompressionEncoding must be set before the response headers or the first response message are sent.")
                : encoding;
        }
    }

    /// <summary>Turns off Kestrel's request body size and minimum data rate limits for this request.</summary>
    public static void RelaxBodyLimits(HttpContext http)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = null;
        }

        if (http.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } rate)
        {
            rate.MinDataRate = null;
        }
    }

    /// <summary>
    /// The next request message, or null at the end of the request stream. Throws an
    /// <see cref="RpcException"/> (CANCELLED) when the client reset the stream or the connection dropped.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<T?> ReadMessageAsync<T>(MessageParser<T> parser, CancellationToken cancellationToken)
        where T : class, IMessage<T>
    {
        try
        {
            return await _reader.ReadAsync(parser, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException exception)
        {
            throw RequestStreamBroken(exception);
        }
    }

    /// <summary>Reads the only request message of a unary or server-streaming call.</summary>
    public ValueTask<T> ReadSingleMessageAsync<T>(MessageParser<T> parser)
        where T : class, IMessage<T>
    {
        // The request (one message, then the end of the stream) has usually arrived whole before
        // the handler runs: then no await, and no token source for the call's cancellation.
        T? message;
        bool whole;
        try
        {
            whole = _reader.TryReadBuffered(parser, out message) && _reader.Ended;
        }
        catch (IOException exception)
        {
            throw RequestStreamBroken(exception);
        }

        return whole ? new ValueTask<T>(message!) : ReadRestOfSingleMessageAsync(parser, message);
    }

    /// <summary>
    /// The CANCELLED exception of a request body read that failed because the client reset the
    /// stream or the connection dropped: Kestrel fails the read at once, but signals RequestAborted
    /// a moment later on another thread, so the call remembers it.
    /// </summary>
    private RpcException RequestStreamBroken(IOException exception)
    {
        _requestStreamBroken = true;
        return CancelledByClient(exception);
    }

    /// <summary>Finishes <see cref="ReadSingleMessageAsync"/>, <paramref name="first"/> being the message read so far, if any.</summary>
    private async ValueTask<T> ReadRestOfSingleMessageAsync<T>(MessageParser<T> parser, T? first)
        where T : class, IMessage<T>
    {
        var message = first ?? await ReadMessageAsync(parser, CancellationToken).ConfigureAwait(false)
            ?? throw new RpcException(StatusCode.Internal, "The request has no message; this method expects exactly one.");
        if (await ReadMessageAsync(parser, CancellationToken).ConfigureAwait(false) is not null)
        {
            throw new RpcException(StatusCode.Internal, "The request has more than one message; this method expects exactly one.");
        }

        return message;
    }

    /// <summary>Sends the response headers with <paramref name="metadata"/> now; throws <see cref="InvalidOperationException"/> once they were sent.</summary>
    public async Task WriteResponseHeadersAsync(Metadata metadata)
    {
        var response = Http.Response;
        if (response.HasStarted)
        {
            throw new InvalidOperationException("Response headers were already sent; they can be sent once, before the first message.");
        }

        PrepareResponseHeaders();
        foreach (var (name, value) in MetadataCodec.ToHeaders(metadata))
        {
            response.Headers.Append(name, value);
        }

        await response.StartAsync(CancellationToken).ConfigureAwait(false);
        await response.BodyWriter.FlushAsync(CancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes one response message, compressed unless <see cref="WriteFlags.NoCompress"/> when the call
    /// compresses, and flushes it unless <see cref="WriteFlags.BufferHint"/> (the response headers go first).
    /// </summary>
    public Task WriteMessageAsync(IMessage message, CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            return WriteMessageLinkedAsync(message, cancellationToken);
        }

        // No async frame per message while the flush completes synchronously (the usual case).
        var token = CancellationToken;
        if (token.IsCancellationRequested)
        {
            return Task.FromCanceled(token);
        }

        if (Buffers)
        {
            WriteResponseMessage(message);
            return Task.CompletedTask;
        }

        var flush = WriteAndFlush(message, token);
        if (!flush.IsCompletedSuccessfully)
        {
            return CompleteFlushAsync(flush, token);
        }

        return flush.Result.IsCanceled ? Task.FromCanceled(token) : Task.CompletedTask;
    }

    /// <summary>
    /// Frames a response message into the response body without flushing: the only message of a
    /// unary or client-streaming call goes out with the trailers, in one write, when the call ends.
    /// </summary>
    public void WriteResponseMessage(IMessage message)
    {
        PrepareResponseHeaders();
        MessageFraming.Write(Http.Response.BodyWriter, message, Compresses);
    }

    private async Task WriteMessageLinkedAsync(IMessage message, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, CancellationToken);
        linked.Token.ThrowIfCancellationRequested();
        if (Buffers)
        {
            WriteResponseMessage(message);
            return;
        }

        await CompleteFlushAsync(WriteAndFlush(message, linked.Token), linked.Token).ConfigureAwait(false);
    }

    /// <summary>
    /// Frames <paramref name="message"/> into the response and flushes. A small uncompressed message
    /// is framed into a buffer the call reuses and handed to Kestrel in one write-and-flush (Kestrel's
    /// stream output takes its lock once, instead of once each for GetSpan, Advance and FlushAsync);
    /// others are framed in place.
    /// </summary>
    private ValueTask<FlushResult> WriteAndFlush(IMessage message, CancellationToken token)
    {
        PrepareResponseHeaders();
        var body = Http.Response.BodyWriter;
        var compress = Compresses;
        if (compress || message.CalculateSize() > SmallMessageSize)
        {
            MessageFraming.Write(body, message, compress);
            return body.FlushAsync(token);
        }

        // Writes never overlap (IServerStreamWriter's contract), so the buffer is free again here.
        var staging = _staging ??= new ArrayBufferWriter<byte>(256);
        staging.ResetWrittenCount();
        MessageFraming.Write(staging, message, compress: false);
        return body.WriteAsync(staging.WrittenMemory, token);
    }

    private static async Task CompleteFlushAsync(ValueTask<FlushResult> flush, CancellationToken token)
    {
        if ((await flush.ConfigureAwait(false)).IsCanceled)
        {
            throw new OperationCanceledException(token);
        }
    }

    /// <summary>Whether the write options ask to buffer the next message rather than flush it.</summary>
    private bool Buffers => ((WriteOptions?.Flags ?? WriteFlags.None) & WriteFlags.BufferHint) != 0;

    /// <summary>Whether the next message is compressed: the call compresses and the write options allow it.</summary>
    private bool Compresses => _compressResponses && ((WriteOptions?.Flags ?? WriteFlags.None) & WriteFlags.NoCompress) == 0;

    /// <summary>
    /// Ends the call with <paramref name="status"/> and the context's response trailers; only the
    /// first end is sent. In the response headers (Trailers-Only) when nothing was sent or buffered
    /// yet; otherwise as trailers that Kestrel sends after the buffered messages when the handler
    /// returns, so there is no flush here. No abort check either: Kestrel ignores what is written to
    /// a reset stream, and reading RequestAborted would create its token source on every call.
    /// </summary>
    public void End(Status status, Metadata? extraTrailers = null)
    {
        if (_ended)
        {
            return;
        }

        _ended = true;
        if (DeadlineExceeded && status.StatusCode == StatusCode.OK)
        {
            status = new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded");
        }

        var trailers = Merge(Context.ResponseTrailersIfAny, extraTrailers);
        GrpcServerLog.CallEndedWithStatus(Logger, Method, status.StatusCode, status.Detail);
        if (!_headersPrepared && !Http.Response.HasStarted)
        {
            TrailersOnlyResponse.Write(Http.Response, status, trailers);
            return;
        }

        TrailersOnlyResponse.WriteTrailers(Http.Response, status, trailers);
    }

    /// <summary>Maps a handler failure to a status (see <see cref="ToRpcException"/>) and ends the call.</summary>
    public void Fail(Exception exception)
    {
        if (ClientGone)
        {
            GrpcServerLog.CallCancelledByClient(Logger, Method);
            return;
        }

        if (_ended)
        {
            GrpcServerLog.EndNotSent(Logger, Method, exception.Message);
            return;
        }

        var failure = ToRpcException(exception);
        End(failure.Status, failure.Trailers);
    }

    /// <summary>
    /// The <see cref="RpcException"/> whose status ends the call after <paramref name="exception"/>
    /// (the same one for an <see cref="RpcException"/>; otherwise DEADLINE_EXCEEDED, CANCELLED or
    /// UNKNOWN, see <see cref="GrpcServerOptions.EnableDetailedErrors"/>), logged once.
    /// </summary>
    public RpcException ToRpcException(Exception exception)
    {
        if (ClientGone)
        {
            return CancelledByClient(exception);
        }

        if (DeadlineExceeded && exception is not RpcException)
        {
            GrpcServerLog.DeadlineExceeded(Logger, Method, Deadline);
            return new RpcException(new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded"), null, exception);
        }

        // Cancelled by the drain: also when the handler passes on the CANCELLED of a downstream call
        // that the same token cancelled.
        if (_drainExpired.IsCancellationRequested && exception is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
        {
            GrpcServerLog.CancelledByDrain(Logger, Method);
            return new RpcException(
                new Status(StatusCode.Unavailable, "The server is shutting down; the call did not finish within the shutdown drain timeout."),
                null, exception);
        }

        switch (exception)
        {
            case RpcException rpc:
                return rpc;
            case OperationCanceledException when CancellationToken.IsCancellationRequested:
                GrpcServerLog.CallCancelledByServer(Logger, Method);
                return new RpcException(new Status(StatusCode.Cancelled, "Call cancelled."), null, exception);
            default:
                GrpcServerLog.HandlerFailed(Logger, Method, exception);
                var detail = Options.EnableDetailedErrors
                    ? $"Exception was thrown by handler. {exception.GetType().Name}: {exception.Message}"
                    : "Exception was thrown by handler.";
                return new RpcException(new Status(StatusCode.Unknown, detail), null, exception);
        }
    }

    /// <summary>The CANCELLED status of a call whose client reset the stream or went away, caused by <paramref name="cause"/>.</summary>
    public static RpcException CancelledByClient(Exception cause)
        => new(new Status(StatusCode.Cancelled, "Call cancelled by the client."), null, cause);

    public void Dispose()
    {
        var cancellation = Interlocked.Exchange(ref _cancellation, Ended);
        if (ReferenceEquals(cancellation, Ended))
        {
            return;
        }

        cancellation?.Dispose();
        _deadline?.Dispose();
        _activeCalls.Decrement();
    }

    /// <summary>True once the client reset the stream or the connection dropped: nothing more can be sent.</summary>
    private bool ClientGone => _requestStreamBroken || Http.RequestAborted.IsCancellationRequested;

    private CancellationTokenSource LinkOnFirstUse()
    {
        var linked = CancellationTokenSource.CreateLinkedTokenSource(Http.RequestAborted, _drainExpired);
        var winner = Interlocked.CompareExchange(ref _cancellation, linked, null);
        if (winner is null)
        {
            return linked;
        }

        linked.Dispose();
        return winner;
    }

    /// <summary>
    /// True once the deadline passed (and the client had not reset the stream first). Read from the
    /// deadline's own source, which is cancelled before any callback of the handler's token runs.
    /// </summary>
    public bool DeadlineExceeded => _deadline is { IsCancellationRequested: true } && !ClientGone;

    /// <summary>
    /// Before the response headers go out (once): announces the accepted encodings and picks the
    /// response encoding, which is used only when the client's <c>grpc-accept-encoding</c> lists it.
    /// </summary>
    private void PrepareResponseHeaders()
    {
        if (_headersPrepared)
        {
            return;
        }

        _headersPrepared = true;
        var headers = Http.Response.Headers;
        headers.GrpcAcceptEncoding = GrpcHeaders.SupportedEncodings;
        if (_responseEncoding is { } encoding && MessageCompression.IsListed(Http.Request.Headers.GrpcAcceptEncoding, encoding))
        {
            headers.GrpcEncoding = encoding;
            _compressResponses = true;
        }
    }

    /// <summary>Sets <see cref="Deadline"/> from the <c>grpc-timeout</c> header; returns the timeout to enforce, or null.</summary>
    private TimeSpan? ParseDeadline(string header)
    {
        if (!TimeoutHeader.TryParse(header, out var timeout))
        {
            GrpcServerLog.InvalidTimeout(Logger, header);
            return null;
        }

        var now = DateTime.UtcNow;
        Deadline = timeout >= DateTime.MaxValue - now ? DateTime.MaxValue : now + timeout;
        // Over ~24.8 days is longer than any timer: the deadline is reported but not enforced.
        return timeout.TotalMilliseconds >= int.MaxValue ? null : timeout;
    }

    private static Metadata? Merge(Metadata? first, Metadata? second)
    {
        if (second is null || second.Count == 0 || ReferenceEquals(first, second))
        {
            return first;
        }

        if (first is null || first.Count == 0)
        {
            return second;
        }

        var merged = new Metadata();
        foreach (var entry in first.Concat(second))
        {
            if (entry.IsBinary)
            {
                merged.Add(entry.Key, entry.ValueBytes!);
            }
            else
            {
                merged.Add(entry.Key, entry.Value!);
            }
        }

        return merged;
    }
}
