using System.Collections.Concurrent;
using AgentMesh.Grpc;
using AgentMesh.Grpc.Client;
using AgentMesh.Grpc.Interceptors;
using Google.Protobuf;

namespace AgentMesh.Tests.Grpc.Interceptors;

/// <summary>Adds <c>authorization: Bearer {token}</c> to every call (on a copy of the caller's metadata).</summary>
public sealed class BearerTokenInterceptor(string token) : ClientInterceptor
{
    public override AsyncUnaryCall<TResponse> UnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, UnaryCallContinuation<TRequest, TResponse> continuation)
        => continuation(request, WithToken(context));

    public override AsyncServerStreamingCall<TResponse> ServerStreamingCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, ServerStreamingCallContinuation<TRequest, TResponse> continuation)
        => continuation(request, WithToken(context));

    public override AsyncClientStreamingCall<TRequest, TResponse> ClientStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, ClientStreamingCallContinuation<TRequest, TResponse> continuation)
        => continuation(WithToken(context));

    public override AsyncDuplexStreamingCall<TRequest, TResponse> DuplexStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, DuplexStreamingCallContinuation<TRequest, TResponse> continuation)
        => continuation(WithToken(context));

    private ClientInterceptorContext<TRequest, TResponse> WithToken<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var headers = new Metadata();
        foreach (var entry in context.Options.Headers ?? new Metadata())
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

        headers.Add("authorization", $"Bearer {token}");
        return context with { Options = context.Options with { Headers = headers } };
    }
}

/// <summary>Appends "name&gt;" when a unary call starts and "&lt;name status" when it ends to a shared trace.</summary>
public sealed class TracingClientInterceptor(string name, ConcurrentQueue<string> trace) : ClientInterceptor
{
    public override AsyncUnaryCall<TResponse> UnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, UnaryCallContinuation<TRequest, TResponse> continuation)
    {
        trace.Enqueue($"{name}>");
        var call = continuation(request, context);
        return call.With(ObserveAsync(call.ResponseAsync));
    }

    private async Task<T> ObserveAsync<T>(Task<T> response)
    {
        try
        {
            var message = await response;
            trace.Enqueue($"<{name} OK");
            return message;
        }
        catch (RpcException e)
        {
            trace.Enqueue($"<{name} {e.StatusCode}");
            throw;
        }
    }
}

/// <summary>Fails every call with UNAUTHENTICATED before it is sent.</summary>
public sealed class NoCredentialsInterceptor : ClientInterceptor
{
    public override AsyncUnaryCall<TResponse> UnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, UnaryCallContinuation<TRequest, TResponse> continuation)
        => throw new RpcException(StatusCode.Unauthenticated, $"no credentials for {context.Method.FullName}");
}

/// <summary>
/// Upper-cases every streamed response message, replaces client-streaming responses, and records
/// each streaming call's final status as its response stream ends.
/// </summary>
public sealed class ResponseRewritingInterceptor : ClientInterceptor
{
    public ConcurrentQueue<(string Method, StatusCode Code)> Statuses { get; } = new();

    public override AsyncServerStreamingCall<TResponse> ServerStreamingCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, ServerStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var call = continuation(request, context);
        return call.With(new RewritingReader<TResponse>(call.ResponseStream, code => Statuses.Enqueue((context.Method.FullName, code))));
    }

    public override AsyncClientStreamingCall<TRequest, TResponse> ClientStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, ClientStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var call = continuation(context);
        return call.With(responseAsync: RewriteAsync(call.ResponseAsync));
    }

    public override AsyncDuplexStreamingCall<TRequest, TResponse> DuplexStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, DuplexStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var call = continuation(context);
        return call.With(responseStream: new RewritingReader<TResponse>(call.ResponseStream, code => Statuses.Enqueue((context.Method.FullName, code))));
    }

    private static async Task<TResponse> RewriteAsync<TResponse>(Task<TResponse> response)
        => Rewrite(await response);

    private static T Rewrite<T>(T message)
    {
        if (message is Protos.EchoReply reply)
        {
            reply.Message = reply.Message.ToUpperInvariant();
        }

        return message;
    }

    private sealed class RewritingReader<T>(IAsyncStreamReader<T> inner, Action<StatusCode> ended) : IAsyncStreamReader<T>
    {
        public T Current => Rewrite(inner.Current);

        public async Task<bool> MoveNext(CancellationToken cancellationToken = default)
        {
            try
            {
                if (await inner.MoveNext(cancellationToken))
                {
                    return true;
                }

                ended(StatusCode.OK);
                return false;
            }
            catch (RpcException e)
            {
                ended(e.StatusCode);
                throw;
            }
        }
    }
}
