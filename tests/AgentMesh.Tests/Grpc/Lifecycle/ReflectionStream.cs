using AgentMesh.Grpc;
using AgentMesh.Grpc.Client;
using Google.Protobuf;
using V1 = AgentMesh.Grpc.Reflection.V1;
using V1Alpha = AgentMesh.Grpc.Reflection.V1Alpha;

namespace AgentMesh.Tests.Grpc.Lifecycle;

/// <summary>
/// One ServerReflectionInfo stream of our client, in either protocol version; requests and
/// responses are handled as v1 messages (v1alpha's have the same fields and numbers).
/// </summary>
internal sealed class ReflectionStream : IDisposable
{
    private readonly Func<V1.ServerReflectionRequest, Task> _write;
    private readonly Func<Task<V1.ServerReflectionResponse?>> _read;
    private readonly IDisposable _call;

    public ReflectionStream(GrpcChannel channel, string version)
    {
        if (version == "v1")
        {
            var call = channel.DuplexStreaming(Method<V1.ServerReflectionRequest, V1.ServerReflectionResponse>.Create(
                V1.ReflectionReflection.Descriptor.Services[0], "ServerReflectionInfo"));
            _write = request => call.RequestStream.WriteAsync(request);
            _read = async () => await call.ResponseStream.MoveNext() ? call.ResponseStream.Current : null;
            _call = call;
        }
        else
        {
            var call = channel.DuplexStreaming(Method<V1Alpha.ServerReflectionRequest, V1Alpha.ServerReflectionResponse>.Create(
                V1Alpha.ReflectionReflection.Descriptor.Services[0], "ServerReflectionInfo"));
            _write = request => call.RequestStream.WriteAsync(V1Alpha.ServerReflectionRequest.Parser.ParseFrom(request.ToByteString()));
            _read = async () => await call.ResponseStream.MoveNext()
                ? V1.ServerReflectionResponse.Parser.ParseFrom(call.ResponseStream.Current.ToByteString())
                : null;
            _call = call;
        }
    }

    /// <summary>Sends one request and reads its response.</summary>
    public async Task<V1.ServerReflectionResponse> AskAsync(V1.ServerReflectionRequest request)
    {
        await _write(request).WaitAsync(EchoMethods.WaitLimit);
        return await _read().WaitAsync(EchoMethods.WaitLimit) ?? throw new InvalidOperationException("The reflection stream ended without a response.");
    }

    public void Dispose() => _call.Dispose();
}
