using AgentMesh.Grpc;
using AgentMesh.Tests.Grpc.Protos.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace AgentMesh.Tests.Grpc;

/// <summary>Serves agentmesh.test.reflection.ReflectionProbe, whose proto has extensions for the reflection tests.</summary>
public sealed class ReflectionProbeService
{
    public static Google.Protobuf.Reflection.ServiceDescriptor Descriptor => ReflectionProbeReflection.Descriptor.Services.Single();

    public Task<Empty> Inspect(Extendable request, ServerCallContext context) => Task.FromResult(new Empty());
}
