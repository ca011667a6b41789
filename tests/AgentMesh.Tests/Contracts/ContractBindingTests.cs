using System.Reflection;
using AgentMesh.Clients;
using AgentMesh.Services.Agents;
using AgentMesh.Services.Orchestrator.Api;
using AgentMesh.Services.Planner;
using AgentMesh.Services.State;
using AgentMesh.Services.ToolHost.Grpc;
using Google.Protobuf.Reflection;

namespace AgentMesh.Tests.Contracts;

/// <summary>
/// The .proto files are the single source of truth: every method of every agentmesh.v1 service has
/// a handler on its service class and a method on its typed client, with the descriptor's message types.
/// (Mapping also fails at start-up for a missing handler; this says which one before anything runs.)
/// </summary>
public sealed class ContractBindingTests
{
    public static TheoryData<string, Type, Type> Services => new()
    {
        { "agentmesh.v1.Orchestrator", typeof(OrchestratorService), typeof(OrchestratorClient) },
        { "agentmesh.v1.Planner", typeof(PlannerService), typeof(PlannerClient) },
        { "agentmesh.v1.Agents", typeof(AgentsService), typeof(AgentsClient) },
        { "agentmesh.v1.ToolHost", typeof(ToolHostService), typeof(ToolHostClient) },
        { "agentmesh.v1.State", typeof(StateService), typeof(StateClient) },
    };

    [Theory]
    [MemberData(nameof(Services))]
    public void Every_method_has_a_handler_and_a_client_method(string serviceName, Type service, Type client)
    {
        var descriptor = ContractServices.All.Single(s => s.FullName == serviceName);
        foreach (var method in descriptor.Methods)
        {
            var request = ClrType(method.InputType);
            var response = ClrType(method.OutputType);

            var handler = service.GetMethod(method.Name, BindingFlags.Public | BindingFlags.Instance);
            Assert.True(handler is not null, $"{service.Name} has no handler for {serviceName}/{method.Name}");
            Assert.Equal(request, handler!.GetParameters()[0].ParameterType);
            if (method.IsServerStreaming)
            {
                Assert.Equal(typeof(AgentMesh.Grpc.IServerStreamWriter<>).MakeGenericType(response), handler.GetParameters()[1].ParameterType);
            }
            else
            {
                Assert.Equal(typeof(Task<>).MakeGenericType(response), handler.ReturnType);
            }

            var clientName = method.IsServerStreaming ? method.Name : method.Name + "Async";
            var clientMethod = client.GetMethod(clientName);
            Assert.True(clientMethod is not null, $"{client.Name} has no {clientName} for {serviceName}/{method.Name}");
            Assert.Equal(request, clientMethod!.GetParameters()[0].ParameterType);
            var expectedReturn = method.IsServerStreaming
                ? typeof(AgentMesh.Grpc.Client.AsyncServerStreamingCall<>).MakeGenericType(response)
                : typeof(Task<>).MakeGenericType(response);
            Assert.Equal(expectedReturn, clientMethod.ReturnType);
        }

        var handlers = service.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Select(m => m.Name);
        Assert.Equal(descriptor.Methods.Select(m => m.Name).Order(), handlers.Order());
    }

    private static Type ClrType(MessageDescriptor descriptor) => descriptor.ClrType;
}
