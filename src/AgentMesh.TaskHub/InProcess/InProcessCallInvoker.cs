using System.Threading.Channels;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace AgentMesh.TaskHub.InProcess;

/// <summary>
/// A gRPC <see cref="CallInvoker"/> that calls the hub's TaskHubSidecarService handlers in this process,
/// so that the Dapr.Workflow SDK's worker and client hosted beside the hub skip HTTP/2 and the loopback
/// socket. Messages cross as their protobuf bytes (the SDK's generated types are not the hub's).
/// What a caller sees follows gRPC's status codes as grpc-dotnet reports them: a handler's
/// <see cref="RpcException"/> arrives with its status and trailers; the deadline gives
/// DEADLINE_EXCEEDED, the caller's cancellation CANCELLED, an unknown
/// method UNIMPLEMENTED, and any other failure UNKNOWN "Exception was thrown by handler." (logged here).
/// Only unary and server-streaming methods exist in-process.
/// </summary>
internal sealed class InProcessCallInvoker(IReadOnlyDictionary<string, InProcessMethod> methods, ILogger logger) : CallInvoker
{
    /// <summary>Responses a server stream holds for a caller that has not read them yet.</summary>
    private const int StreamBuffer = 64;

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
        => AsyncUnaryCall(method, host, options, request).ResponseAsync.GetAwaiter().GetResult();

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        var context = new InProcessServerCallContext(method.FullName, options);
        var outcome = new CallOutcome();
        var response = RunUnaryAsync(method, request, context, outcome);
        return new AsyncUnaryCall<TResponse>(response, Task.FromResult(new Metadata()), outcome.GetStatus, outcome.GetTrailers, context.Cancel);
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        var context = new InProcessServerCallContext(method.FullName, options);
        var outcome = new CallOutcome();
        var responses = Channel.CreateBounded<TResponse>(new BoundedChannelOptions(StreamBuffer) { SingleReader = true, SingleWriter = true });
        _ = RunServerStreamingAsync(method, request, context, outcome, responses.Writer);
        return new AsyncServerStreamingCall<TResponse>(
            new ResponseReader<TResponse>(responses.Reader, context), Task.FromResult(new Metadata()), outcome.GetStatus, outcome.GetTrailers, context.Cancel);
    }

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options)
        => throw new RpcException(new Status(StatusCode.Unimplemented, $"{method.FullName}: client-streaming calls are not served in-process."));

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options)
        => throw new RpcException(new Status(StatusCode.Unimplemented, $"{method.FullName}: duplex-streaming calls are not served in-process."));

    private async Task<TResponse> RunUnaryAsync<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, InProcessServerCallContext context, CallOutcome outcome)
    {
        try
        {
            if (!methods.TryGetValue(method.FullName, out var handler) || handler.Unary is null)
                throw new RpcException(new Status(StatusCode.Unimplemented, $"Method {method.FullName} is not served in-process."));
            var response = await handler.Unary(Payloads.Serialize(method.RequestMarshaller, request), context).WaitAsync(context.CancellationToken).ConfigureAwait(false);
            outcome.Succeeded(context.ResponseTrailers);
            return Payloads.Deserialize(method.ResponseMarshaller, response);
        }
        catch (Exception e)
        {
            throw outcome.Failed(Describe(e, method.FullName, context), context.ResponseTrailers);
        }
        finally
        {
            context.Dispose();
        }
    }

    private async Task RunServerStreamingAsync<TRequest, TResponse>(
        Method<TRequest, TResponse> method, TRequest request, InProcessServerCallContext context, CallOutcome outcome, ChannelWriter<TResponse> responses)
    {
        // Off the caller's thread: the caller gets its call object at once, as over the network.
        await Task.Yield();
        try
        {
            if (!methods.TryGetValue(method.FullName, out var handler) || handler.ServerStreaming is null)
                throw new RpcException(new Status(StatusCode.Unimplemented, $"Method {method.FullName} is not served in-process."));
            await handler.ServerStreaming(
                Payloads.Serialize(method.RequestMarshaller, request),
                (message, cancellationToken) => WriteAsync(responses, Payloads.Deserialize(method.ResponseMarshaller, message), context.CancellationToken, cancellationToken),
                context).ConfigureAwait(false);
            context.CancellationToken.ThrowIfCancellationRequested();
            outcome.Succeeded(context.ResponseTrailers);
            responses.TryComplete();
        }
        catch (Exception e)
        {
            responses.TryComplete(outcome.Failed(Describe(e, method.FullName, context), context.ResponseTrailers));
        }
        finally
        {
            context.Dispose();
        }
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

    /// <summary>The status the caller sees for a call that ended with <paramref name="error"/>.</summary>
    private Status Describe(Exception error, string method, InProcessServerCallContext context)
    {
        if (error is RpcException rpc)
        {
            foreach (var trailer in rpc.Trailers)
                context.ResponseTrailers.Add(trailer);
            return rpc.Status;
        }
        if (error is OperationCanceledException && context.CancellationToken.IsCancellationRequested)
        {
            if (context.DeadlinePassed)
                return new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded");
            return new Status(StatusCode.Cancelled, "Call canceled by the client.");
        }
        InProcessLog.HandlerFailed(logger, method, error);
        return new Status(StatusCode.Unknown, "Exception was thrown by handler.");
    }

    /// <summary>A call's final status and trailers, once it has ended.</summary>
    private sealed class CallOutcome
    {
        private Status? _status;
        private Metadata? _trailers;

        public Status GetStatus() => _status ?? throw new InvalidOperationException("Unable to get the status because the call is not complete.");

        public Metadata GetTrailers() => _trailers ?? throw new InvalidOperationException("Can't get the call trailers because the call has not completed successfully.");

        public void Succeeded(Metadata trailers)
        {
            _trailers = trailers;
            _status = Status.DefaultSuccess;
        }

        public RpcException Failed(Status status, Metadata trailers)
        {
            _trailers = trailers;
            _status = status;
            return new RpcException(status, trailers);
        }
    }

    /// <summary>The caller's side of a server stream.</summary>
    private sealed class ResponseReader<T>(ChannelReader<T> responses, InProcessServerCallContext context) : IAsyncStreamReader<T>
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
                context.Cancel();
                throw new RpcException(new Status(StatusCode.Cancelled, "Call canceled by the client."));
            }
            Current = responses.TryRead(out var message) ? message : throw new InvalidOperationException("The in-process response stream lost a message.");
            return true;
        }
    }
}
