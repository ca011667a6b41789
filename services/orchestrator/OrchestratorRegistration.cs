using AgentMesh.Clients;
using AgentMesh.Contracts.V1;
using AgentMesh.Hosting;
using AgentMesh.Services.Orchestrator.Api;
using AgentMesh.Services.Orchestrator.RunWorkflow;
using AgentMesh.Workflow;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrchestratorContract = AgentMesh.Contracts.V1.Orchestrator;

namespace AgentMesh.Services.Orchestrator;

/// <summary>Registers and maps the Orchestrator.</summary>
public static class OrchestratorRegistration
{
    /// <summary>
    /// Adds the Orchestrator and its run workflow on the embedded task hub (SQLite file
    /// <paramref name="taskHubPath"/>), with its clients of Planner, Agents and State (addresses
    /// <c>Mesh:Planner</c>, <c>Mesh:Agents</c>, <c>Mesh:State</c>; see <see cref="MeshOptions"/>).
    /// Health: agentmesh.v1.Orchestrator is SERVING while the workflow worker runs.
    /// </summary>
    public static IServiceCollection AddOrchestrator(this IServiceCollection services, string taskHubPath, Action<OrchestratorOptions> configure)
    {
        services.AddOptions<OrchestratorOptions>().Configure(configure)
            .Validate(o => o.KnownRoles.Count > 0, "Orchestrator:KnownRoles must name at least one agent role.")
            .Validate(o => o.ActivityMaxAttempts >= 1, "Orchestrator:ActivityMaxAttempts must be at least 1.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddMeshServer();
        services.AddMeshClient<Planner.PlannerClient>(MeshService.Planner);
        services.AddMeshClient<Agents.AgentsClient>(MeshService.Agents);
        services.AddMeshClient<State.StateClient>(MeshService.State);
        services.TryAddTransient<RunEventWriter>();
        services.AddMeshServiceHealth(OrchestratorContract.Descriptor.FullName)
            .AddCheck<WorkflowWorkerHealthCheck>("workflow-worker", tags: [OrchestratorContract.Descriptor.FullName]);
        services.AddWorkflowRuntime(workflows =>
        {
            workflows.RegisterWorkflow<RunWorkflow.RunWorkflow>();
            workflows.RegisterActivity<CreatePlanActivity>();
            workflows.RegisterActivity<RunStepActivity>();
            workflows.RegisterActivity<UpdateRunActivity>();
            workflows.UseSqliteTaskHub(taskHubPath);
        });
        return services;
    }

    /// <summary>Maps agentmesh.v1.Orchestrator. Throws <see cref="InvalidOperationException"/> when <see cref="AddOrchestrator"/> did not run.</summary>
    public static GrpcServiceEndpointConventionBuilder MapOrchestrator(this IEndpointRouteBuilder endpoints)
    {
        if (endpoints.ServiceProvider.GetService<WorkflowClient>() is null)
        {
            throw new InvalidOperationException("MapOrchestrator needs services.AddOrchestrator() first.");
        }

        return endpoints.MapGrpcService<OrchestratorService>();
    }
}
