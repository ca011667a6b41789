using Grpc.Core;

namespace AgentMesh.TaskHub.InProcess;

/// <summary>
/// Collects a service's unary and server-streaming handlers from its generated <c>BindService</c>
/// (the standard <see cref="ServiceBinderBase"/> hook), keyed by full method name
/// (<c>/TaskHubSidecarService/StartInstance</c>), as handlers over serialized messages.
/// Client-streaming and duplex methods are not collected (the hub's service has none).
/// </summary>
internal sealed class InProcessServiceBinder : ServiceBinderBase
{
    /// <summary>The collected handlers by <see cref="IMethod.FullName"/>.</summary>
    public Dictionary<string, InProcessMethod> Methods { get; } = new(StringComparer.Ordinal);

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
    {
        if (handler is not null)
            Methods[method.FullName] = new InProcessMethod(
                async (request, context) => Payloads.Serialize(method.ResponseMarshaller,
                    await handler(Payloads.Deserialize(method.RequestMarshaller, request), context).ConfigureAwait(false)),
                null);
    }

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler)
    {
        if (handler is not null)
            Methods[method.FullName] = new InProcessMethod(
                null,
                (request, write, context) => handler(Payloads.Deserialize(method.RequestMarshaller, request), new SerializingWriter<TResponse>(method.ResponseMarshaller, write), context));
    }

    /// <summary>Hands each response, serialized, to the caller's side of the call.</summary>
    private sealed class SerializingWriter<T>(Marshaller<T> marshaller, Func<byte[], CancellationToken, Task> write) : IServerStreamWriter<T>
    {
        public WriteOptions? WriteOptions { get; set; }

        public Task WriteAsync(T message) => WriteAsync(message, CancellationToken.None);

        public Task WriteAsync(T message, CancellationToken cancellationToken) => write(Payloads.Serialize(marshaller, message), cancellationToken);
    }
}

/// <summary>One method served in-process: exactly one of the two handlers is set.</summary>
/// <param name="Unary">Request bytes and call context to response bytes.</param>
/// <param name="ServerStreaming">Request bytes, a writer of response bytes (that a token may cancel) and the call context; ends when the stream ends.</param>
internal sealed record InProcessMethod(
    Func<byte[], ServerCallContext, Task<byte[]>>? Unary,
    Func<byte[], Func<byte[], CancellationToken, Task>, ServerCallContext, Task>? ServerStreaming);
