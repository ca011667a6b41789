using System.Reflection;
using AgentMesh.Clients;
using AgentMesh.Services.Agents;
using AgentMesh.Services.Orchestrator.Api;
using AgentMesh.Services.Planner;
using AgentMesh.Services.State;
using AgentMesh.Services.ToolHost.Grpc;

namespace AgentMesh.Tests.Contracts;

/// <summary>
/// Every method of every agentmesh.v1 service is implemented: the service class overrides the
/// generated base method (one left out would answer UNIMPLEMENTED at run time, not fail the build).
/// </summary>
public sealed class ContractBindingTests
{
    public static TheoryData<string, Type> Services => new()
    {
        { "agentmesh.v1.Orchestrator", typeof(OrchestratorService) },
        { "agentmesh.v1.Planner", typeof(PlannerService) },
        { "agentmesh.v1.Agents", typeof(AgentsService) },
        { "agentmesh.v1.ToolHost", typeof(ToolHostService) },
        { "agentmesh.v1.State", typeof(StateService) },
    };

    [Theory]
    [MemberData(nameof(Services))]
    public void Every_method_is_overridden_by_its_service(string serviceName, Type service)
    {
        var descriptor = MeshServiceConfig.Services.Single(s => s.FullName == serviceName);
        var missing = descriptor.Methods
            .Where(m => service.GetMethod(m.Name, BindingFlags.Public | BindingFlags.Instance)?.DeclaringType != service)
            .Select(m => m.Name)
            .ToList();
        Assert.True(missing.Count == 0, $"{service.Name} does not implement {string.Join(", ", missing)}");
    }

    [Fact]
    public void The_retried_methods_are_exactly_those_the_protos_mark_free_of_side_effects()
    {
        Assert.Equal(
            [
                ("agentmesh.v1.Orchestrator", "GetRun"), ("agentmesh.v1.Orchestrator", "ListRuns"), ("agentmesh.v1.Orchestrator", "ListToolCalls"),
                ("agentmesh.v1.Orchestrator", "WatchRun"),
                ("agentmesh.v1.State", "GetCheckpoint"), ("agentmesh.v1.State", "GetRun"), ("agentmesh.v1.State", "ListRuns"), ("agentmesh.v1.State", "ReadRunEvents"),
                ("agentmesh.v1.ToolHost", "CheckToolCall"), ("agentmesh.v1.ToolHost", "ListTools"),
            ],
            MeshServiceConfig.RetryableMethods.Order());
        var config = MeshServiceConfig.Create(4);
        var retry = Assert.Single(config.MethodConfigs);
        Assert.Equal(10, retry.Names.Count);
        Assert.Equal([Grpc.Core.StatusCode.Unavailable], retry.RetryPolicy!.RetryableStatusCodes);
    }
}
