using AgentMesh.Grpc.Interceptors;

namespace AgentMesh.Grpc.Server;

/// <summary>Options of the gRPC server.</summary>
public sealed class GrpcServerOptions
{
    /// <summary>Largest request message accepted, in bytes. Default 4 MiB; null means unlimited.</summary>
    public int? MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Send exception messages of handlers to clients (UNKNOWN otherwise carries a generic message). Default false.</summary>
    public bool EnableDetailedErrors { get; set; }

    /// <summary>Interceptors around every handler, outermost first. Default empty.</summary>
    public ServerInterceptorCollection Interceptors { get; } = new();
}
