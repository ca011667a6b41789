using Google.Protobuf.Reflection;

namespace AgentMesh.Grpc.Server;

/// <summary>
/// The gRPC services mapped on this server by <c>MapGrpcService</c>, in mapping order; registered by
/// <c>AddGrpcServer</c>. Health and reflection read it to know what the server serves.
/// </summary>
public interface IGrpcServiceCatalog
{
    /// <summary>A snapshot of the mapped services' descriptors (each service once).</summary>
    IReadOnlyList<ServiceDescriptor> Services { get; }

    /// <summary>True when a service of that full name (e.g. <c>grpc.health.v1.Health</c>) is mapped.</summary>
    bool Contains(string fullName);
}
