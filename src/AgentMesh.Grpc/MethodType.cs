namespace AgentMesh.Grpc;

/// <summary>The four gRPC call types.</summary>
public enum MethodType
{
    Unary,
    ClientStreaming,
    ServerStreaming,
    DuplexStreaming,
}
