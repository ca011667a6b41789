using AgentMesh.Contracts.V1;
using AgentMesh.Grpc;
using Google.Protobuf.Reflection;

namespace AgentMesh.Clients;

/// <summary>
/// The agentmesh.v1 services' descriptors, from the generated protobuf reflection: the single
/// source of truth for method paths, call types and message types.
/// </summary>
public static class ContractServices
{
    public static ServiceDescriptor Orchestrator { get; } = OrchestratorReflection.Descriptor.FindTypeByName<ServiceDescriptor>("Orchestrator");
    public static ServiceDescriptor Planner { get; } = PlannerReflection.Descriptor.FindTypeByName<ServiceDescriptor>("Planner");
    public static ServiceDescriptor Agents { get; } = AgentsReflection.Descriptor.FindTypeByName<ServiceDescriptor>("Agents");
    public static ServiceDescriptor ToolHost { get; } = ToolhostReflection.Descriptor.FindTypeByName<ServiceDescriptor>("ToolHost");
    public static ServiceDescriptor State { get; } = StateReflection.Descriptor.FindTypeByName<ServiceDescriptor>("State");

    /// <summary>Every agentmesh.v1 service.</summary>
    public static IReadOnlyList<ServiceDescriptor> All { get; } = [Orchestrator, Planner, Agents, ToolHost, State];
}
