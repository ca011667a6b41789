using System.Buffers;
using System.Globalization;
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
/// writing response messages, and ending with a status (in trailers, or Trailers-Only).
/// </summary>
internal sealed class ServerCall : IDisposable
{
    /// <summary>Largest serialized message written through the call's staging buffer (see <see cref="WriteAndFlush"/>).</summary>
    private const int SmallMessageSize = 16 * 1024;

    private readonly CancellationTokenSource? _cancellation;
    private readonly CancellationTokenSource? _deadline;
    private readonly MessageReader _reader;
    private bool _responseWritten;
    private ArrayBufferWriter<byte>? _staging;
    private CancellationToken _token;
    private bool _tokenKnown;

    /// <param name="http">The request.</param>
    /// <param name="method">The method path.</param>
    /// <param name="options">The server options.</param>
    /// <param name="logger">The server log.</param>
    /// <param name="encoding">The request's <c>grpc-encoding</c> ("" when absent), already validated.</param>
    public ServerCall(HttpContext http, string method, GrpcServerOptions options, ILogger logger, string encoding)
    {
        Http = http;
        Method = method;
        Options = options;
        Logger = logger;
        Deadline = DateTime.MaxValue;
        var timeoutHeader = http.Request.Headers[GrpcHeaders.Timeout].ToString();
        var timeout = timeoutHeader.Length > 0 ? ParseDeadline(timeoutHeader) : null;
        if (timeout is { } enforced)
        {
            _deadline = new CancellationTokenSource();
            _cancellation = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, _deadline.Token);
            _deadline.CancelAfter(enforced);
        }

        _reader = new MessageReader(http.Request.BodyReader, options.MaxReceiveMessageSize, encoding);
        Context = new HttpServerCallContext(this);
    }

    public HttpContext Http { get; }

    public string Method { get; }

    public GrpcServerOptions Options { get; }

    public ILogger Logger { get; }

    public DateTime Deadline { get; private set; }

    /// <summary>
    /// The request's abort token, or (with a deadline) a token that also fires at the deadline;
    /// looked up once per call, on first use.
    /// </summary>
    public CancellationToken CancellationToken
    {
        get
        {
            if (!_tokenKnown)
            {
                _token = _cancellation?.Token ?? Http.RequestAborted;
                _tokenKnown = true;
            }

            return _token;
        }
    }

    public HttpServerCallContext Context { get; }

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

    /// <summary>The next request message, or null at the end of the request stream.</summary>
    public ValueTask<T?> ReadMessageAsync<T>(MessageParser<T> parser, CancellationToken cancellationToken)
        where T : class, IMessage<T>
        => _reader.ReadAsync(parser, cancellationToken);

    /// <summary>Reads the only request message of a unary or server-streaming call.</summary>
    public ValueTask<T> ReadSingleMessageAsync<T>(MessageParser<T> parser)
        where T : class, IMessage<T>
    {
        // The request (one message, then end of stream) has usually arrived whole before the
        // handler runs: then no await and no cancellation registration.
        return _reader.TryReadBuffered(parser, out var message) && _reader.Ended
            ? new ValueTask<T>(message!)
            : ReadRestOfSingleMessageAsync(parser, message);
    }

    /// <summary>Finishes <see cref="ReadSingleMessageAsync"/>, <paramref name="first"/> being the message read so far, if any.</summary>
    private async ValueTask<T> ReadRestOfSingleMessageAsync<T>(MessageParser<T> parser, T? first)
        where T : class, IMessage<T>
    {
        // Without a deadline no token is needed: Kestrel ends a pending body read when the stream is reset or aborted.
        var token = _cancellation?.Token ?? CancellationToken.None;
        var message = first ?? await _reader.ReadAsync(parser, token).ConfigureAwait(false)
            ?? throw new RpcException(StatusCode.Internal, "The request has no message; this method expects exactly one.");
        if (await _reader.ReadAsync(parser, token).ConfigureAwait(false) is not null)
        {
            throw new RpcException(StatusCode.Internal, "The request has more than one message; this method expects exactly one.");
        }

        return message;
    }

    /// <summary>Writes one response message and flushes it (sending the response headers first if needed).</summary>
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

        var flush = WriteAndFlush(message, token);
        if (!flush.IsCompletedSuccessfully)
        {
            return CompleteFlushAsync(flush, token);
        }

        return flush.Result.IsCanceled ? Task.FromCanceled(token) : Task.CompletedTask;
    }

    /// <summary>
    /// Frames <paramref name="message"/> into the response and flushes. A small message is framed
    /// into a buffer reused by the call and handed to Kestrel in one write-and-flush (one lock in
    /// Kestrel's stream output instead of three); a large one is framed in place, without a copy.
    /// </summary>
    private ValueTask<FlushResult> WriteAndFlush(IMessage message, CancellationToken token)
    {
        var body = Http.Response.BodyWriter;
        if (message.CalculateSize() > SmallMessageSize)
        {
            WriteResponseMessage(message);
            return body.FlushAsync(token);
        }

        // Writes never overlap (IServerStreamWriter contract), so the buffer is free again here.
        var staging = _staging ??= new ArrayBufferWriter<byte>(256);
        staging.ResetWrittenCount();
        MessageFraming.Write(staging, message);
        return body.WriteAsync(staging.WrittenMemory, token);
    }

    private async Task WriteMessageLinkedAsync(IMessage message, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, CancellationToken);
        linked.Token.ThrowIfCancellationRequested();
        WriteResponseMessage(message);
        await CompleteFlushAsync(Http.Response.BodyWriter.FlushAsync(linked.Token), linked.Token).ConfigureAwait(false);
    }

    private static async Task CompleteFlushAsync(ValueTask<FlushResult> flush, CancellationToken token)
    {
        if ((await flush.ConfigureAwait(false)).IsCanceled)
        {
            throw new OperationCanceledException(token);
        }
    }

    /// <summary>
    /// Buffers the only response message of a unary or client-streaming call without flushing:
    /// Kestrel sends headers, message and trailers together when the call ends.
    /// </summary>
    public void WriteResponseMessage(IMessage message)
    {
        MessageFraming.Write(Http.Response.BodyWriter, message);
        _responseWritten = true;
    }

    /// <summary>
    /// Ends the call with <paramref name="status"/> and the context's response trailers: in the
    /// response headers (Trailers-Only) when nothing was sent or buffered yet, otherwise as trailers
    /// that Kestrel sends after the buffered messages when the handler returns (no flush here).
    /// </summary>
    public void End(Status status, Metadata? extraTrailers = null)
    {
        // No abort check: Kestrel ignores what is written to a reset stream, and reading
        // RequestAborted would create its token source on every call.
        if (DeadlineExceeded && status.StatusCode == StatusCode.OK)
        {
            status = new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded");
        }

        var trailers = Merge(Context.ResponseTrailersIfAny, extraTrailers);
        GrpcServerLog.CallEndedWithStatus(Logger, Method, status.StatusCode, status.Detail);
        if (!_responseWritten && !Http.Response.HasStarted)
        {
            TrailersOnlyResponse.Write(Http.Response, status, trailers);
            return;
        }

        var target = Http.Features.Get<IHttpResponseTrailersFeature>()?.Trailers
            ?? throw new InvalidOperationException("The server does not support response trailers, which gRPC requires.");
        TrailersOnlyResponse.WriteStatus(target, status, trailers);
    }

    /// <summary>Maps a handler failure to a status (see <see cref="GrpcServerOptions.EnableDetailedErrors"/>) and ends the call.</summary>
    public void Fail(Exception exception)
    {
        if (Http.RequestAborted.IsCancellationRequested)
        {
            GrpcServerLog.CallCancelledByClient(Logger, Method);
            return;
        }

        if (DeadlineExceeded && exception is not RpcException)
        {
            GrpcServerLog.DeadlineExceeded(Logger, Method, Deadline);
            End(new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded"));
            return;
        }

        switch (exception)
        {
            case RpcException rpc:
                End(rpc.Status, rpc.Trailers);
                break;
            case OperationCanceledException when CancellationToken.IsCancellationRequested:
                GrpcServerLog.CallCancelledByServer(Logger, Method);
                End(new Status(StatusCode.Cancelled, "Call cancelled."));
                break;
            default:
                GrpcServerLog.HandlerFailed(Logger, Method, exception);
                var detail = Options.EnableDetailedErrors
                    ? $"Exception was thrown by handler. {exception.GetType().Name}: {exception.Message}"
                    : "Exception was thrown by handler.";
                End(new Status(StatusCode.Unknown, detail));
                break;
        }
    }

    public void Dispose()
    {
        _cancellation?.Dispose();
        _deadline?.Dispose();
    }

    /// <summary>
    /// True once the deadline passed (and the client had not reset the stream first). Read from the
    /// deadline's own source, which is cancelled before any callback of the handler's token runs.
    /// </summary>
    private bool DeadlineExceeded => _deadline is { IsCancellationRequested: true } && !Http.RequestAborted.IsCancellationRequested;

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

    /// <summary>The peer in gRPC's form, e.g. <c>ipv4:127.0.0.1:50312</c>.</summary>
    public string FormatPeer()
    {
        var connection = Http.Connection;
        if (connection.RemoteIpAddress is not { } ip)
        {
            return "unknown";
        }

        var port = connection.RemotePort.ToString(CultureInfo.InvariantCulture);
        return ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"ipv6:[{ip}]:{port}"
            : $"ipv4:{ip}:{port}";
    }
}
