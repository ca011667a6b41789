using AgentMesh.Grpc.Internal.Server;
using AgentMesh.Grpc.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace AgentMesh.Grpc.Reflection;

/// <summary>Maps gRPC server reflection (grpc doc/server-reflection.md).</summary>
public static class GrpcReflectionExtensions
{
    /// <summary>
    /// Maps <c>grpc.reflection.v1.ServerReflection</c> and <c>grpc.reflection.v1alpha.ServerReflection</c>.
    /// They list every service mapped on this server (themselves included) and serve the
    /// serialized <c>FileDescriptorProto</c> of any file those services reach, with its transitive
    /// imports; unknown names get an <c>ErrorResponse</c> with NOT_FOUND. Throws
    /// <see cref="InvalidOperationException"/> when <c>AddGrpcServer</c> was not called.
    /// </summary>
    public static IEndpointConventionBuilder MapGrpcReflectionService(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return new CompositeConventionBuilder(new[]
        {
            endpoints.MapGrpcService<ReflectionService>(ReflectionService.V1Descriptor),
            endpoints.MapGrpcService<ReflectionService>(ReflectionService.V1AlphaDescriptor),
        });
    }
}
