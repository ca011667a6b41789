using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace AgentMesh.Tests.State.DaprStandIn;

/// <summary>
/// Binds the state methods of <c>dapr.proto.runtime.v1.Dapr</c> to <see cref="DaprStandInService"/>. Dapr.Protos
/// 1.19.1 ships the messages and the client but no server base class (checked by reflection: the generated
/// <c>Dapr</c> class has only <c>DaprClient</c>), so each method is declared here from the package's own service
/// descriptor — a name that the descriptor lacks fails at start-up instead of at the first call.
/// </summary>
internal sealed class DaprStandInMethods : IServiceMethodProvider<DaprStandInService>
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<DaprStandInService> context)
    {
        context.AddUnaryMethod(Method(nameof(DaprStandInService.GetState), GetStateRequest.Parser, GetStateResponse.Parser), [], (s, r, c) => s.GetState(r, c));
        context.AddUnaryMethod(Method(nameof(DaprStandInService.GetBulkState), GetBulkStateRequest.Parser, GetBulkStateResponse.Parser), [], (s, r, c) => s.GetBulkState(r, c));
        context.AddUnaryMethod(Method(nameof(DaprStandInService.SaveState), SaveStateRequest.Parser, Empty.Parser), [], (s, r, c) => s.SaveState(r, c));
        context.AddUnaryMethod(Method(nameof(DaprStandInService.DeleteState), DeleteStateRequest.Parser, Empty.Parser), [], (s, r, c) => s.DeleteState(r, c));
        context.AddUnaryMethod(Method(nameof(DaprStandInService.DeleteBulkState), DeleteBulkStateRequest.Parser, Empty.Parser), [], (s, r, c) => s.DeleteBulkState(r, c));
        context.AddUnaryMethod(Method(nameof(DaprStandInService.ExecuteStateTransaction), ExecuteStateTransactionRequest.Parser, Empty.Parser), [], (s, r, c) => s.ExecuteStateTransaction(r, c));
    }

    private static Method<TRequest, TResponse> Method<TRequest, TResponse>(string name, MessageParser<TRequest> request, MessageParser<TResponse> response)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var descriptor = Dapr.Client.Autogen.Grpc.v1.Dapr.Descriptor.FindMethodByName(name)
            ?? throw new InvalidOperationException($"dapr.proto.runtime.v1.Dapr has no method {name}.");
        if (descriptor.InputType.ClrType != typeof(TRequest) || descriptor.OutputType.ClrType != typeof(TResponse))
        {
            throw new InvalidOperationException($"dapr.proto.runtime.v1.Dapr/{name} takes {descriptor.InputType.FullName} and returns {descriptor.OutputType.FullName}.");
        }

        return new Method<TRequest, TResponse>(
            MethodType.Unary,
            descriptor.Service.FullName,
            name,
            Marshallers.Create(message => message.ToByteArray(), request.ParseFrom),
            Marshallers.Create(message => message.ToByteArray(), response.ParseFrom));
    }
}
