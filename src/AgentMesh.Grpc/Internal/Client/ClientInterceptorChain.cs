using System.Runtime.CompilerServices;
using AgentMesh.Grpc.Client;
using AgentMesh.Grpc.Interceptors;
using Google.Protobuf;

namespace AgentMesh.Grpc.Internal.Client;

/// <summary>
/// The continuations a channel's calls of one request/response type pair run: the channel's
/// client interceptors (outermost first) in front of the channel itself. Built once per channel
/// and type pair, so a call allocates no delegates.
/// </summary>
internal sealed class ClientInterceptorChain<TRequest, TResponse>
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new()
{
    private static readonly ConditionalWeakTable<GrpcChannel, ClientInterceptorChain<TRequest, TResponse>> Chains = new();

    private ClientInterceptorChain(GrpcChannel channel, IReadOnlyList<ClientInterceptor> interceptors)
    {
        UnaryCallContinuation<TRequest, TResponse> unary = (request, context) => channel.StartUnary(context.Method, request, context.Options);
        ServerStreamingCallContinuation<TRequest, TResponse> serverStreaming =
            (request, context) => channel.StartServerStreaming(context.Method, request, context.Options);
        ClientStreamingCallContinuation<TRequest, TResponse> clientStreaming = context => channel.StartClientStreaming(context.Method, context.Options);
        DuplexStreamingCallContinuation<TRequest, TResponse> duplexStreaming = context => channel.StartDuplexStreaming(context.Method, context.Options);
        for (var i = interceptors.Count - 1; i >= 0; i--)
        {
            var interceptor = interceptors[i];
            var (innerUnary, innerServer, innerClient, innerDuplex) = (unary, serverStreaming, clientStreaming, duplexStreaming);
            unary = (request, context) => interceptor.UnaryCall(request, context, innerUnary);
            serverStreaming = (request, context) => interceptor.ServerStreamingCall(request, context, innerServer);
            clientStreaming = context => interceptor.ClientStreamingCall(context, innerClient);
            duplexStreaming = context => interceptor.DuplexStreamingCall(context, innerDuplex);
        }

        (Unary, ServerStreaming, ClientStreaming, DuplexStreaming) = (unary, serverStreaming, clientStreaming, duplexStreaming);
    }

    public UnaryCallContinuation<TRequest, TResponse> Unary { get; }

    public ServerStreamingCallContinuation<TRequest, TResponse> ServerStreaming { get; }

    public ClientStreamingCallContinuation<TRequest, TResponse> ClientStreaming { get; }

    public DuplexStreamingCallContinuation<TRequest, TResponse> DuplexStreaming { get; }

    public static ClientInterceptorChain<TRequest, TResponse> For(GrpcChannel channel)
        => Chains.GetValue(channel, static c => new ClientInterceptorChain<TRequest, TResponse>(c, c.Interceptors));
}
