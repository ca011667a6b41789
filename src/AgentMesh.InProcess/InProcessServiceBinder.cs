using System.Reflection;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentMesh.InProcess;

/// <summary>
/// Collects the unary and server-streaming methods of the grpc-dotnet service <typeparamref name="TService"/>
/// from its generated <c>BindService(binder, null)</c> (the standard <see cref="ServiceBinderBase"/> hook, as
/// grpc-dotnet itself discovers methods), keyed by full method name (<c>/agentmesh.v1.State/GetRun</c>), as
/// handlers over serialized messages. Each call runs as grpc-dotnet runs it: in a new DI scope, on an instance
/// of <typeparamref name="TService"/> resolved from that scope or created with its constructor's services
/// (disposed after the call when the binder created it), through the server interceptors the host registered
/// (<see cref="GrpcServiceOptions.Interceptors"/>, then <see cref="GrpcServiceOptions{TService}"/>'s, each
/// resolved from the scope or created with its arguments). Client-streaming and duplex methods are not collected.
/// </summary>
internal sealed class InProcessServiceBinder<TService>(IServiceProvider services) : ServiceBinderBase where TService : class
{
    private readonly ObjectFactory<TService> _create = ActivatorUtilities.CreateFactory<TService>(Type.EmptyTypes);
    private readonly InterceptorRegistration[] _interceptors =
    [
        .. services.GetRequiredService<IOptions<GrpcServiceOptions>>().Value.Interceptors,
        .. services.GetRequiredService<IOptions<GrpcServiceOptions<TService>>>().Value.Interceptors,
    ];

    /// <summary>The collected handlers by <see cref="IMethod.FullName"/>.</summary>
    public Dictionary<string, InProcessMethod> Methods { get; } = new(StringComparer.Ordinal);

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
    {
        var invoke = Find<Func<TService, TRequest, ServerCallContext, Task<TResponse>>>(method.Name, typeof(TRequest), typeof(ServerCallContext));
        Methods[method.FullName] = new InProcessMethod(
            async (request, context) =>
            {
                await using var activation = Activate(context);
                UnaryServerMethod<TRequest, TResponse> pipeline = (r, c) => invoke(activation.Service, r, c);
                for (var i = activation.Interceptors.Length - 1; i >= 0; i--)
                {
                    var (interceptor, next) = (activation.Interceptors[i], pipeline);
                    pipeline = (r, c) => interceptor.UnaryServerHandler(r, c, next);
                }
                var response = await pipeline(Payloads.Deserialize(method.RequestMarshaller, request), context).ConfigureAwait(false);
                return Payloads.Serialize(method.ResponseMarshaller, response);
            },
            null);
    }

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler)
    {
        var invoke = Find<Func<TService, TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task>>(
            method.Name, typeof(TRequest), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext));
        Methods[method.FullName] = new InProcessMethod(
            null,
            async (request, write, context) =>
            {
                await using var activation = Activate(context);
                ServerStreamingServerMethod<TRequest, TResponse> pipeline = (r, w, c) => invoke(activation.Service, r, w, c);
                for (var i = activation.Interceptors.Length - 1; i >= 0; i--)
                {
                    var (interceptor, next) = (activation.Interceptors[i], pipeline);
                    pipeline = (r, w, c) => interceptor.ServerStreamingServerHandler(r, w, c, next);
                }
                await pipeline(Payloads.Deserialize(method.RequestMarshaller, request), new SerializingWriter<TResponse>(method.ResponseMarshaller, write), context).ConfigureAwait(false);
            });
    }

    private Activation Activate(InProcessServerCallContext context)
    {
        var scope = services.CreateAsyncScope();
        var registered = scope.ServiceProvider.GetService<TService>();
        var service = registered ?? _create(scope.ServiceProvider, null);
        var interceptors = new Interceptor[_interceptors.Length];
        var created = new List<object>(_interceptors.Length + 1);
        if (registered is null)
            created.Add(service);
        for (var i = 0; i < interceptors.Length; i++)
        {
            var registration = _interceptors[i];
            if (scope.ServiceProvider.GetService(registration.Type) is not Interceptor interceptor)
            {
                interceptor = (Interceptor)ActivatorUtilities.CreateInstance(scope.ServiceProvider, registration.Type, [.. registration.Arguments]);
                created.Add(interceptor);
            }
            interceptors[i] = interceptor;
        }
        context.Enter();
        return new Activation(scope, service, interceptors, created);
    }

    /// <summary>An open-instance delegate over <typeparamref name="TService"/>'s override of the generated base method.</summary>
    private static TDelegate Find<TDelegate>(string name, params Type[] parameters) where TDelegate : Delegate
        => (typeof(TService).GetMethod(name, BindingFlags.Public | BindingFlags.Instance, parameters)
            ?? throw new InvalidOperationException($"{typeof(TService).Name} has no method {name}; is it a grpc-dotnet service base?"))
            .CreateDelegate<TDelegate>();

    /// <summary>The call's DI scope, service instance and interceptors; what the binder created (not the scope) is disposed with it.</summary>
    private sealed class Activation(AsyncServiceScope scope, TService service, Interceptor[] interceptors, List<object> created) : IAsyncDisposable
    {
        public TService Service => service;

        public Interceptor[] Interceptors => interceptors;

        public async ValueTask DisposeAsync()
        {
            foreach (var instance in created)
            {
                switch (instance)
                {
                    case IAsyncDisposable asyncDisposable:
                        await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                        break;
                    case IDisposable disposable:
                        disposable.Dispose();
                        break;
                }
            }
            await scope.DisposeAsync().ConfigureAwait(false);
        }
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
    Func<byte[], InProcessServerCallContext, Task<byte[]>>? Unary,
    Func<byte[], Func<byte[], CancellationToken, Task>, InProcessServerCallContext, Task>? ServerStreaming);
