using System.Reflection;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace AgentMesh.Grpc.Internal.Server;

/// <summary>Builds the endpoint handler of each call type from a handler method (called by reflection from <see cref="ServiceMethodBinder"/>).</summary>
internal static class ServerMethodFactory
{
    public static ServerMethodHandler Unary<TService, TRequest, TResponse>(ServiceDescriptor service, string name, MethodInfo handler)
        where TService : class
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var method = Method<TRequest, TResponse>.Create(service, name);
        var invoke = handler.CreateDelegate<Func<TService, TRequest, ServerCallContext, Task<TResponse>>>();
        return new ServerMethodHandler<TService>(method.FullName, async (target, call) =>
        {
            var request = await call.ReadSingleMessageAsync(method.RequestParser).ConfigureAwait(false);
            var response = await invoke(target, request, call.Context).ConfigureAwait(false);
            call.WriteResponseMessage(response);
        });
    }

    public static ServerMethodHandler ServerStreaming<TService, TRequest, TResponse>(ServiceDescriptor service, string name, MethodInfo handler)
        where TService : class
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var method = Method<TRequest, TResponse>.Create(service, name);
        var invoke = handler.CreateDelegate<Func<TService, TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task>>();
        return new ServerMethodHandler<TService>(method.FullName, async (target, call) =>
        {
            var request = await call.ReadSingleMessageAsync(method.RequestParser).ConfigureAwait(false);
            await invoke(target, request, new ResponseStreamWriter<TResponse>(call), call.Context).ConfigureAwait(false);
        });
    }

    public static ServerMethodHandler ClientStreaming<TService, TRequest, TResponse>(ServiceDescriptor service, string name, MethodInfo handler)
        where TService : class
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var method = Method<TRequest, TResponse>.Create(service, name);
        var invoke = handler.CreateDelegate<Func<TService, IAsyncStreamReader<TRequest>, ServerCallContext, Task<TResponse>>>();
        return new ServerMethodHandler<TService>(method.FullName, async (target, call) =>
        {
            var reader = new RequestStreamReader<TRequest>(call, method.RequestParser);
            var response = await invoke(target, reader, call.Context).ConfigureAwait(false);
            call.WriteResponseMessage(response);
        });
    }

    public static ServerMethodHandler DuplexStreaming<TService, TRequest, TResponse>(ServiceDescriptor service, string name, MethodInfo handler)
        where TService : class
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var method = Method<TRequest, TResponse>.Create(service, name);
        var invoke = handler.CreateDelegate<Func<TService, IAsyncStreamReader<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task>>();
        return new ServerMethodHandler<TService>(method.FullName, async (target, call) =>
        {
            var reader = new RequestStreamReader<TRequest>(call, method.RequestParser);
            await invoke(target, reader, new ResponseStreamWriter<TResponse>(call), call.Context).ConfigureAwait(false);
        });
    }
}
