using System.Reflection;
using AgentMesh.Grpc.Interceptors;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace AgentMesh.Grpc.Internal.Server;

/// <summary>
/// Builds the endpoint handler of each call type from a handler method behind the server
/// interceptors (called by reflection from <see cref="ServiceMethodBinder"/>).
/// </summary>
internal static class ServerMethodFactory
{
    public static ServerMethodHandler Unary<TService, TRequest, TResponse>(
        ServiceDescriptor service, string name, MethodInfo handler, IReadOnlyList<ServerInterceptor> interceptors)
        where TService : class
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var method = Method<TRequest, TResponse>.Create(service, name);
        var run = ServerInterceptorChain.Unary(
            handler.CreateDelegate<Func<TService, TRequest, ServerCallContext, Task<TResponse>>>(), interceptors);
        return new ServerMethodHandler<TService>(method.FullName, async (target, call) =>
        {
            var request = await call.ReadSingleMessageAsync(method.RequestParser).ConfigureAwait(false);
            call.Context.Service = target;
            var response = await run(request, call.Context).ConfigureAwait(false);
            call.WriteResponseMessage(response);
        });
    }

    public static ServerMethodHandler ServerStreaming<TService, TRequest, TResponse>(
        ServiceDescriptor service, string name, MethodInfo handler, IReadOnlyList<ServerInterceptor> interceptors)
        where TService : class
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var method = Method<TRequest, TResponse>.Create(service, name);
        var run = ServerInterceptorChain.ServerStreaming(
            handler.CreateDelegate<Func<TService, TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task>>(), interceptors);
        return new ServerMethodHandler<TService>(method.FullName, async (target, call) =>
        {
            var request = await call.ReadSingleMessageAsync(method.RequestParser).ConfigureAwait(false);
            call.Context.Service = target;
            await run(request, new ResponseStreamWriter<TResponse>(call), call.Context).ConfigureAwait(false);
        });
    }

    public static ServerMethodHandler ClientStreaming<TService, TRequest, TResponse>(
        ServiceDescriptor service, string name, MethodInfo handler, IReadOnlyList<ServerInterceptor> interceptors)
        where TService : class
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var method = Method<TRequest, TResponse>.Create(service, name);
        var run = ServerInterceptorChain.ClientStreaming(
            handler.CreateDelegate<Func<TService, IAsyncStreamReader<TRequest>, ServerCallContext, Task<TResponse>>>(), interceptors);
        return new ServerMethodHandler<TService>(method.FullName, async (target, call) =>
        {
            call.Context.Service = target;
            var response = await run(new RequestStreamReader<TRequest>(call, method.RequestParser), call.Context).ConfigureAwait(false);
            call.WriteResponseMessage(response);
        });
    }

    public static ServerMethodHandler DuplexStreaming<TService, TRequest, TResponse>(
        ServiceDescriptor service, string name, MethodInfo handler, IReadOnlyList<ServerInterceptor> interceptors)
        where TService : class
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var method = Method<TRequest, TResponse>.Create(service, name);
        var run = ServerInterceptorChain.DuplexStreaming(
            handler.CreateDelegate<Func<TService, IAsyncStreamReader<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task>>(),
            interceptors);
        return new ServerMethodHandler<TService>(method.FullName, async (target, call) =>
        {
            call.Context.Service = target;
            var reader = new RequestStreamReader<TRequest>(call, method.RequestParser);
            await run(reader, new ResponseStreamWriter<TResponse>(call), call.Context).ConfigureAwait(false);
        });
    }
}
