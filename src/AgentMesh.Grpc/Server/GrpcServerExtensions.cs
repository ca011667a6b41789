using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace AgentMesh.Grpc.Server;

/// <summary>Registers and maps gRPC services on ASP.NET Core (Kestrel).</summary>
public static class GrpcServerExtensions
{
    /// <summary>
    /// Adds the gRPC server: after this, requests with content-type <c>application/grpc</c> to a
    /// path no mapped service handles end with UNIMPLEMENTED (Trailers-Only).
    /// </summary>
    public static IServiceCollection AddGrpcServer(this IServiceCollection services, Action<GrpcServerOptions>? configure = null)
        => throw new NotImplementedException();

    /// <summary>
    /// Maps every method of <paramref name="service"/> to the handler of the same name on
    /// <typeparamref name="TService"/> (resolved from DI). Handler shapes:
    /// unary <c>Task&lt;TRes&gt; M(TReq, ServerCallContext)</c>;
    /// server streaming <c>Task M(TReq, IServerStreamWriter&lt;TRes&gt;, ServerCallContext)</c>;
    /// client streaming <c>Task&lt;TRes&gt; M(IAsyncStreamReader&lt;TReq&gt;, ServerCallContext)</c>;
    /// duplex <c>Task M(IAsyncStreamReader&lt;TReq&gt;, IServerStreamWriter&lt;TRes&gt;, ServerCallContext)</c>.
    /// Throws <see cref="InvalidOperationException"/> naming every descriptor method without a
    /// handler of the right shape, or when <see cref="AddGrpcServer"/> was not called.
    /// </summary>
    public static IEndpointConventionBuilder MapGrpcService<TService>(this IEndpointRouteBuilder endpoints, ServiceDescriptor service)
        where TService : class
        => throw new NotImplementedException();
}
