using AgentMesh.Grpc;
using Grpc.Testing;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace AgentMesh.Interop;

/// <summary>The methods of <c>grpc.testing.TestService</c> and <c>grpc.testing.UnimplementedService</c>, from their descriptors.</summary>
public static class TestServiceMethods
{
    private static readonly ServiceDescriptor TestService = Service("TestService");

    public static Method<Empty, Empty> EmptyCall { get; } = Method<Empty, Empty>.Create(TestService, "EmptyCall");

    public static Method<SimpleRequest, SimpleResponse> UnaryCall { get; } =
        Method<SimpleRequest, SimpleResponse>.Create(TestService, "UnaryCall");

    public static Method<StreamingOutputCallRequest, StreamingOutputCallResponse> StreamingOutputCall { get; } =
        Method<StreamingOutputCallRequest, StreamingOutputCallResponse>.Create(TestService, "StreamingOutputCall");

    public static Method<StreamingInputCallRequest, StreamingInputCallResponse> StreamingInputCall { get; } =
        Method<StreamingInputCallRequest, StreamingInputCallResponse>.Create(TestService, "StreamingInputCall");

    public static Method<StreamingOutputCallRequest, StreamingOutputCallResponse> FullDuplexCall { get; } =
        Method<StreamingOutputCallRequest, StreamingOutputCallResponse>.Create(TestService, "FullDuplexCall");

    /// <summary><c>grpc.testing.TestService/UnimplementedCall</c>, which no server implements.</summary>
    public static Method<Empty, Empty> UnimplementedCall { get; } = Method<Empty, Empty>.Create(TestService, "UnimplementedCall");

    /// <summary><c>grpc.testing.UnimplementedService/UnimplementedCall</c>, a service no server implements.</summary>
    public static Method<Empty, Empty> UnimplementedServiceCall { get; } =
        Method<Empty, Empty>.Create(Service("UnimplementedService"), "UnimplementedCall");

    private static ServiceDescriptor Service(string name) => TestReflection.Descriptor.Services.Single(s => s.Name == name);
}
