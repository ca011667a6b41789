using AgentMesh.Grpc.Server;
using Google.Protobuf;
using V1 = AgentMesh.Grpc.Reflection.V1;
using V1Alpha = AgentMesh.Grpc.Reflection.V1Alpha;

namespace AgentMesh.Grpc.Reflection;

/// <summary>
/// The handlers of <c>grpc.reflection.v1.ServerReflection</c> and <c>grpc.reflection.v1alpha.ServerReflection</c>
/// over the services mapped on this server. v1alpha messages are converted to v1 through their
/// bytes: both versions define the same fields with the same numbers.
/// </summary>
internal sealed class ReflectionService(IGrpcServiceCatalog catalog)
{
    public static Google.Protobuf.Reflection.ServiceDescriptor V1Descriptor => V1.ReflectionReflection.Descriptor.Services[0];

    public static Google.Protobuf.Reflection.ServiceDescriptor V1AlphaDescriptor => V1Alpha.ReflectionReflection.Descriptor.Services[0];

    public Task ServerReflectionInfo(
        IAsyncStreamReader<V1.ServerReflectionRequest> requestStream,
        IServerStreamWriter<V1.ServerReflectionResponse> responseStream,
        ServerCallContext context)
        => AnswerAllAsync(requestStream, responseStream, request => request, response => response, context);

    public Task ServerReflectionInfo(
        IAsyncStreamReader<V1Alpha.ServerReflectionRequest> requestStream,
        IServerStreamWriter<V1Alpha.ServerReflectionResponse> responseStream,
        ServerCallContext context)
        => AnswerAllAsync(requestStream, responseStream,
            request => V1.ServerReflectionRequest.Parser.ParseFrom(request.ToByteString()),
            response => V1Alpha.ServerReflectionResponse.Parser.ParseFrom(response.ToByteString()),
            context);

    /// <summary>Answers each request of the stream in order, until the client ends its side.</summary>
    private async Task AnswerAllAsync<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream,
        Func<TRequest, V1.ServerReflectionRequest> toV1,
        Func<V1.ServerReflectionResponse, TResponse> fromV1,
        ServerCallContext context)
    {
        ReflectionResponder? responder = null;
        while (await requestStream.MoveNext(context.CancellationToken).ConfigureAwait(false))
        {
            responder ??= new ReflectionResponder(new DescriptorIndex(catalog.Services));
            var response = responder.Answer(toV1(requestStream.Current));
            await responseStream.WriteAsync(fromV1(response), context.CancellationToken).ConfigureAwait(false);
        }
    }
}
