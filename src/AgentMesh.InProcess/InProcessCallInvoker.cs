using System.Threading.Channels;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AgentMesh.InProcess;

/// <summary>
/// A gRPC <see cref="CallInvoker"/> that calls grpc-dotnet service handlers hosted in this process
/// (<see cref="InProcessServices"/>), skipping HTTP/2 and the loopback socket. Messages cross as their
/// protobuf bytes, so caller and handler never share an object. What a caller sees follows gRPC's status
/// codes as grpc-dotnet reports them: a handler's <see cref="RpcException"/> arrives with its status and
/// trailers; the deadline gives DEADLINE_EXCEEDED, the caller's cancellation CANCELLED, an unknown method
/// UNIMPLEMENTED, a message over a size limit RESOURCE_EXHAUSTED, and any other failure UNKNOWN "Exception
/// was thrown by handler." (logged here). <see cref="InProcessCallSettings"/> adds retries, call-context
/// propagation and refusal while stopping. Only unary and server-streaming methods exist in-process.
/// </summary>
internal sealed class InProcessCallInvoker(
    InProcessServices services, InProcessCallSettings settings, IHttpContextAccessor? requests, IHostApplicationLifetime? lifetime, ILogger logger) : CallInvoker
{
    /// <summary>Responses a server stream holds for a caller that has not read them yet.</summary>
    private const int StreamBuffer = 64;

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
        => AsyncUnaryCall(method, host, options, request).ResponseAsync.GetAwaiter().GetResult();

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        var call = Propagate(options);
        var response = RunUnaryAsync(method, request, call);
        return new AsyncUnaryCall<TResponse>(response, Task.FromResult(new Metadata()), call.GetStatus, call.GetTrailers, call.Cancel);
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        var call = Propagate(options);
        var responses = Channel.CreateBounded<TResponse>(new BoundedChannelOptions(StreamBuffer) { SingleReader = true, SingleWriter = true });
        _ = RunServerStreamingAsync(method, request, call, responses.Writer);
        return new AsyncServerStreamingCall<TResponse>(
            new ResponseReader<TResponse>(responses.Reader, call), Task.FromResult(new Metadata()), call.GetStatus, call.GetTrailers, call.Cancel);
    }

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options)
        => throw new RpcException(new Status(StatusCode.Unimplemented, $"{method.FullName}: client-streaming calls are not served in-process."));

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options)
        => throw new RpcException(new Status(StatusCode.Unimplemented, $"{method.FullName}: duplex-streaming calls are not served in-process."));

    private async Task<TResponse> RunUnaryAsync<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CallState call)
    {
        var retry = InProcessRetryPolicy.For(settings.ServiceConfig, method);
        try
        {
            var payload = SerializeRequest(method, request);
            for (var attempt = 1; ; attempt++)
            {
                var context = call.StartAttempt(method.FullName);
                try
                {
                    var handler = Find(method.FullName).Unary ?? throw Unimplemented(method.FullName);
                    var response = await handler(payload, context).WaitAsync(context.CancellationToken).ConfigureAwait(false);
                    CheckSize(response.Length, services.MaxSendMessageSize, "Sending");
                    CheckSize(response.Length, settings.MaxReceiveMessageSize, "Received");
                    call.Succeeded();
                    return Payloads.Deserialize(method.ResponseMarshaller, response);
                }
                catch (Exception e)
                {
                    if (!await RetriesAsync(retry, attempt, e, call).ConfigureAwait(false))
                        throw;
                }
            }
        }
        catch (Exception e)
        {
            throw call.Failed(Describe(e, method.FullName, call));
        }
        finally
        {
            call.Dispose();
        }
    }

    private async Task RunServerStreamingAsync<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CallState call, ChannelWriter<TResponse> responses)
    {
        // Off the caller's thread: the caller gets its call object at once, as over the network.
        await Task.Yield();
        var retry = InProcessRetryPolicy.For(settings.ServiceConfig, method);
        var committed = false;
        try
        {
            var payload = SerializeRequest(method, request);
            for (var attempt = 1; ; attempt++)
            {
                var context = call.StartAttempt(method.FullName);
                try
                {
                    var handler = Find(method.FullName).ServerStreaming ?? throw Unimplemented(method.FullName);
                    await handler(payload, (message, cancellationToken) =>
                    {
                        CheckSize(message.Length, services.MaxSendMessageSize, "Sending");
                        CheckSize(message.Length, settings.MaxReceiveMessageSize, "Received");
                        committed = true;
                        return WriteAsync(responses, Payloads.Deserialize(method.ResponseMarshaller, message), context.CancellationToken, cancellationToken);
                    }, context).ConfigureAwait(false);
                    context.CancellationToken.ThrowIfCancellationRequested();
                    call.Succeeded();
                    responses.TryComplete();
                    return;
                }
                catch (Exception e)
                {
                    if (committed || !await RetriesAsync(retry, attempt, e, call).ConfigureAwait(false))
                        throw;
                }
            }
        }
        catch (Exception e)
        {
            responses.TryComplete(call.Failed(Describe(e, method.FullName, call)));
        }
        finally
        {
            call.Dispose();
        }
    }

    private InProcessMethod Find(string method)
    {
        if (settings.RefuseWhenStopping && lifetime?.ApplicationStopping.IsCancellationRequested == true)
            throw new RpcException(new Status(StatusCode.Unavailable, $"The server of {method} is shutting down."));
        return services.Methods.TryGetValue(method, out var handler) ? handler : throw Unimplemented(method);
    }

    private byte[] SerializeRequest<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request)
    {
        var payload = Payloads.Serialize(method.RequestMarshaller, request);
        CheckSize(payload.Length, settings.MaxSendMessageSize, "Sending");
        CheckSize(payload.Length, services.MaxReceiveMessageSize, "Received");
        return payload;
    }

    private static void CheckSize(int length, int? limit, string direction)
    {
        if (length > limit)
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"{direction} message exceeds the maximum configured message size."));
    }

    private static RpcException Unimplemented(string method) => new(new Status(StatusCode.Unimplemented, $"Method {method} is not served in-process."));

    /// <summary>Whether the attempt that failed with <paramref name="error"/> is followed by another, after its backoff.</summary>
    private static async Task<bool> RetriesAsync(InProcessRetryPolicy? retry, int attempt, Exception error, CallState call)
    {
        if (retry is null || error is not RpcException rpc || !retry.Retries(rpc.StatusCode, attempt)
            || call.Options.CancellationToken.IsCancellationRequested || call.DeadlinePassed)
            return false;
        try
        {
            await Task.Delay(retry.Backoff(attempt), call.Options.CancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        return !call.DeadlinePassed;
    }

    /// <summary>
    /// grpc-dotnet's call-context propagation: the deadline and cancellation of the call being handled (an
    /// in-process one, else the current HTTP request's) bound this call.
    /// </summary>
    private CallState Propagate(CallOptions options)
    {
        if (!settings.PropagateCallContext)
            return new CallState(options, null);
        var incoming = (ServerCallContext?)InProcessServerCallContext.Current ?? requests?.HttpContext?.Features.Get<IServerCallContextFeature>()?.ServerCallContext;
        if (incoming is null)
            return new CallState(options, null);
        if (incoming.Deadline != DateTime.MaxValue && (options.Deadline is not { } own || own > incoming.Deadline))
            options = options.WithDeadline(incoming.Deadline);
        if (!incoming.CancellationToken.CanBeCanceled)
            return new CallState(options, null);
        if (!options.CancellationToken.CanBeCanceled)
            return new CallState(options.WithCancellationToken(incoming.CancellationToken), null);
        var either = CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken, incoming.CancellationToken);
        return new CallState(options.WithCancellationToken(either.Token), either);
    }

    private static async Task WriteAsync<T>(ChannelWriter<T> responses, T message, CancellationToken call, CancellationToken write)
    {
        if (!write.CanBeCanceled)
        {
            await responses.WriteAsync(message, call).ConfigureAwait(false);
            return;
        }
        using var either = CancellationTokenSource.CreateLinkedTokenSource(call, write);
        await responses.WriteAsync(message, either.Token).ConfigureAwait(false);
    }

    /// <summary>The status the caller sees for a call that ended with <paramref name="error"/>; adds an RpcException's trailers to the call's.</summary>
    private Status Describe(Exception error, string method, CallState call)
    {
        if (error is RpcException rpc)
        {
            call.AddTrailers(rpc.Trailers);
            return rpc.Status;
        }
        if (error is OperationCanceledException && (call.Options.CancellationToken.IsCancellationRequested || call.DeadlinePassed || call.CancelledByCaller))
        {
            // A propagated cancellation token fires when the caller's deadline passes, which is this call's deadline too.
            return call.DeadlinePassed
                ? new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded")
                : new Status(StatusCode.Cancelled, "Call canceled by the client.");
        }
        InProcessLog.HandlerFailed(logger, method, error);
        return new Status(StatusCode.Unknown, "Exception was thrown by handler.");
    }

    /// <summary>
    /// One call across its attempts: the caller's options (with the propagated deadline and cancellation,
    /// <paramref name="linked"/> owning a linked token), the current attempt's context, and the final status and trailers.
    /// </summary>
    private sealed class CallState(CallOptions options, CancellationTokenSource? linked) : IDisposable
    {
        private InProcessServerCallContext? _attempt;
        private Status? _status;
        private Metadata? _trailers;

        public CallOptions Options => options;

        public bool CancelledByCaller { get; private set; }

        /// <summary>Whether the deadline has passed (by the attempt's timer, which may fire a little early, or by the clock).</summary>
        public bool DeadlinePassed => _attempt?.DeadlinePassed == true || (options.Deadline is { } deadline && deadline.ToUniversalTime() <= DateTime.UtcNow);

        /// <summary>Adds a failed handler's trailers to the current attempt's.</summary>
        public void AddTrailers(Metadata trailers)
        {
            if (_attempt is null)
                return;
            foreach (var trailer in trailers)
                _attempt.ResponseTrailers.Add(trailer);
        }

        public InProcessServerCallContext StartAttempt(string method)
        {
            _attempt?.Dispose();
            var attempt = new InProcessServerCallContext(method, options);
            _attempt = attempt;
            if (CancelledByCaller)
                attempt.Cancel();
            return attempt;
        }

        public Status GetStatus() => _status ?? throw new InvalidOperationException("Unable to get the status because the call is not complete.");

        public Metadata GetTrailers() => _trailers ?? throw new InvalidOperationException("Can't get the call trailers because the call has not completed successfully.");

        /// <summary>The caller cancelled or disposed the call.</summary>
        public void Cancel()
        {
            CancelledByCaller = true;
            _attempt?.Cancel();
        }

        public void Succeeded()
        {
            _trailers = _attempt?.ResponseTrailers ?? new Metadata();
            _status = Status.DefaultSuccess;
        }

        public RpcException Failed(Status status)
        {
            _trailers = _attempt?.ResponseTrailers ?? new Metadata();
            _status = status;
            return new RpcException(status, _trailers);
        }

        public void Dispose()
        {
            _attempt?.Dispose();
            linked?.Dispose();
        }
    }

    /// <summary>The caller's side of a server stream.</summary>
    private sealed class ResponseReader<T>(ChannelReader<T> responses, CallState call) : IAsyncStreamReader<T>
    {
        public T Current { get; private set; } = default!;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            try
            {
                if (!await responses.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                    return false;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                call.Cancel();
                throw new RpcException(new Status(StatusCode.Cancelled, "Call canceled by the client."));
            }
            Current = responses.TryRead(out var message) ? message : throw new InvalidOperationException("The in-process response stream lost a message.");
            return true;
        }
    }
}
