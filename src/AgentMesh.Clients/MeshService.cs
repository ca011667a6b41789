namespace AgentMesh.Clients;

/// <summary>The services of the mesh, each reachable at the address its <see cref="MeshOptions"/> setting names.</summary>
public enum MeshService
{
    /// <summary>agentmesh.v1.Orchestrator; setting <c>Mesh:Orchestrator</c>.</summary>
    Orchestrator,

    /// <summary>agentmesh.v1.Planner; setting <c>Mesh:Planner</c>.</summary>
    Planner,

    /// <summary>agentmesh.v1.Agents; setting <c>Mesh:Agents</c>.</summary>
    Agents,

    /// <summary>agentmesh.v1.ToolHost; setting <c>Mesh:ToolHost</c>.</summary>
    ToolHost,

    /// <summary>agentmesh.v1.State; setting <c>Mesh:State</c>.</summary>
    State,
}
