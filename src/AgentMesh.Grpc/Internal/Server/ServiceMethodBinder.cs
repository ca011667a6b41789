using System.Reflection;
using AgentMesh.Grpc.Interceptors;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace AgentMesh.Grpc.Internal.Server;

/// <summary>
/// Finds, by reflection, the handler of each method of a service descriptor on a service class and
/// turns it into an endpoint handler. Reports every missing or wrongly shaped handler at once.
/// </summary>
internal static class ServiceMethodBinder
{
    /// <summary>One handler per descriptor method, behind <paramref name="interceptors"/> (outermost first); throws <see cref="InvalidOperationException"/> listing every problem.</summary>
    public static IReadOnlyList<ServerMethodHandler> Bind<TService>(ServiceDescriptor service, IReadOnlyList<ServerInterceptor> interceptors)
        where TService : class
    {
        var handlers = new List<ServerMethodHandler>();
        var problems = new List<string>();
        foreach (var method in service.Methods)
        {
            var request = method.InputType.ClrType;
            var response = method.OutputType.ClrType;
            if (request is null || response is null)
            {
                problems.Add($"{method.Name}: its message types have no generated C# classes");
                continue;
            }

            var shape = HandlerShape.For(method, request, response);
            var handler = typeof(TService).GetMethod(method.Name, BindingFlags.Public | BindingFlags.Instance, shape.Parameters);
            if (handler is null || handler.ReturnType != shape.ReturnType)
            {
                problems.Add($"{method.Name}: expected public {shape.Describe(method.Name)}");
                continue;
            }

            var factory = typeof(ServerMethodFactory)
                .GetMethod(shape.FactoryName, BindingFlags.Public | BindingFlags.Static)!
                .MakeGenericMethod(typeof(TService), request, response);
            handlers.Add((ServerMethodHandler)factory.Invoke(null, new object[] { service, method.Name, handler, interceptors })!);
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException(
                $"{typeof(TService).FullName} cannot serve {service.FullName}; missing or wrongly shaped handlers: "
                + string.Join("; ", problems) + ".");
        }

        return handlers;
    }

    /// <summary>The handler signature a method's call type requires.</summary>
    private sealed record HandlerShape(Type[] Parameters, Type ReturnType, string FactoryName)
    {
        public static HandlerShape For(MethodDescriptor method, Type request, Type response)
        {
            var context = typeof(ServerCallContext);
            var reader = typeof(IAsyncStreamReader<>).MakeGenericType(request);
            var writer = typeof(IServerStreamWriter<>).MakeGenericType(response);
            var single = typeof(Task<>).MakeGenericType(response);
            return (method.IsClientStreaming, method.IsServerStreaming) switch
            {
                (false, false) => new(new[] { request, context }, single, nameof(ServerMethodFactory.Unary)),
                (false, true) => new(new[] { request, writer, context }, typeof(Task), nameof(ServerMethodFactory.ServerStreaming)),
                (true, false) => new(new[] { reader, context }, single, nameof(ServerMethodFactory.ClientStreaming)),
                (true, true) => new(new[] { reader, writer, context }, typeof(Task), nameof(ServerMethodFactory.DuplexStreaming)),
            };
        }

        public string Describe(string name)
            => $"{Format(ReturnType)} {name}({string.Join(", ", Parameters.Select(Format))})";

        private static string Format(Type type) => type.IsGenericType
            ? $"{type.Name[..type.Name.IndexOf('`')]}<{string.Join(", ", type.GetGenericArguments().Select(Format))}>"
            : type.Name;
    }
}
