using AgentMesh.Grpc;
using AgentMesh.Tests.Grpc.Protos;

namespace AgentMesh.Tests.Grpc;

/// <summary>Client-side method handles of the test Echo service.</summary>
public static class EchoMethods
{
    public static readonly Method<EchoRequest, EchoReply> Unary = Method<EchoRequest, EchoReply>.Create(EchoService.Descriptor, "Unary");
    public static readonly Method<EchoRequest, EchoReply> ServerStream = Method<EchoRequest, EchoReply>.Create(EchoService.Descriptor, "ServerStream");
    public static readonly Method<EchoRequest, EchoReply> ClientStream = Method<EchoRequest, EchoReply>.Create(EchoService.Descriptor, "ClientStream");
    public static readonly Method<EchoRequest, EchoReply> Duplex = Method<EchoRequest, EchoReply>.Create(EchoService.Descriptor, "Duplex");

    public static readonly Method<EchoRequest, EchoReply> IdempotentUnary = Method<EchoRequest, EchoReply>.Create(EchoService.Descriptor, "IdempotentUnary");
    public static readonly Method<EchoRequest, EchoReply> ReadOnlyStream = Method<EchoRequest, EchoReply>.Create(EchoService.Descriptor, "ReadOnlyStream");

    public static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);
}
