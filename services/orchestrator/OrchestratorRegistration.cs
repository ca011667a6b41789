using AgentMesh.Clients;
using AgentMesh.Contracts.V1;
using AgentMesh.Hosting;
using AgentMesh.Services.Orchestrator.Api;
using AgentMesh.Services.Orchestrator.RunWorkflow;
using AgentMesh.TaskHub;
using Dapr.Workflow;
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
    /// Adds the Orchestrator, its run workflow and activities (Dapr.Workflow, <c>AddDaprWorkflow</c>, with the
    /// SDK's source-generated registrations) and
    /// its clients of Planner, Agents and State (addresses <c>Mesh:Planner</c>, <c>Mesh:Agents</c>,
    /// <c>Mesh:State</c>; see <see cref="MeshOptions"/>). With the embedded engine it also adds the task
    /// hub the SDK's worker and client call in-process (<c>AddTaskHubInProcessClient</c>; the host still
    /// points DAPR_GRPC_ENDPOINT at its own address, which the SDK reads at start-up), and
    /// agentmesh.v1.Orchestrator is SERVING while the hub's store answers; with <c>dapr</c> the SDK
    /// talks to daprd. Throws <see cref="InvalidOperationException"/> for an unknown engine mode.
    /// </summary>
    public static IServiceCollection AddOrchestrator(this IServiceCollection services, WorkflowEngineOptions engine, Action<OrchestratorOptions> configure)
    {
        services.AddOptions<OrchestratorOptions>().Configure(configure)
            .Validate(o => o.KnownRoles.Count > 0, "Orchestrator:KnownRoles must name at least one agent role.")
            .Validate(o => o.ActivityMaxAttempts >= 1, "Orchestrator:ActivityMaxAttempts must be at least 1.")
            .Validate(o => !o.Budget.Problems().Any(), "Orchestrator:Budget limits must each be 0 (no limit) or more.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(engine);
        services.AddMeshServer();
        services.AddMeshClient<Planner.PlannerClient>(MeshService.Planner);
        services.AddMeshClient<Agents.AgentsClient>(MeshService.Agents);
        services.AddMeshClient<State.StateClient>(MeshService.State);
        services.TryAddTransient<RunEventWriter>();
        services.TryAddSingleton<Streaming.RunDeltaHub>();
        var health = services.AddMeshServiceHealth(OrchestratorContract.Descriptor.FullName);
        if (engine.IsEmbedded)
        {
            services.AddTaskHub(o =>
            {
                o.DatabasePath = engine.TaskHubPath;
                o.MaxActivitiesPerWorker = engine.MaxConcurrentActivities;
                o.MaxWorkflowsPerWorker = engine.MaxConcurrentWorkflows;
            });
            health.AddCheck<TaskHubHealthCheck>("task-hub", tags: [OrchestratorContract.Descriptor.FullName]);
        }

        // The Dapr Workflow source generator registers every Workflow and WorkflowActivity class of this
        // assembly (RunWorkflow, CreatePlanActivity, RunStepActivity, UpdateRunActivity) by class name;
        // registering them here as well would register them twice.
        if (engine.MaxConcurrentActivities < 1 || engine.MaxConcurrentWorkflows < 1)
        {
            throw new InvalidOperationException(
                $"Workflow:MaxConcurrentActivities and Workflow:MaxConcurrentWorkflows must be at least 1, not {engine.MaxConcurrentActivities} and {engine.MaxConcurrentWorkflows}.");
        }

        services.AddDaprWorkflow();
        if (engine.IsEmbedded)
        {
            // The SDK's worker and client call the hub in this process directly; other processes use its port.
            services.AddTaskHubInProcessClient<Dapr.DurableTask.Protobuf.TaskHubSidecarService.TaskHubSidecarServiceClient>();
            StartAfterHostStarted.Defer(services, typeof(DaprWorkflowClient).Assembly);
        }

        return services;
    }

    /// <summary>
    /// Maps agentmesh.v1.Orchestrator, and with the embedded engine the task hub (TaskHubSidecarService).
    /// Throws <see cref="InvalidOperationException"/> when <see cref="AddOrchestrator"/> did not run.
    /// </summary>
    public static GrpcServiceEndpointConventionBuilder MapOrchestrator(this IEndpointRouteBuilder endpoints)
    {
        var engine = endpoints.ServiceProvider.GetService<WorkflowEngineOptions>()
            ?? throw new InvalidOperationException("MapOrchestrator needs services.AddOrchestrator() first.");
        if (engine.IsEmbedded)
        {
            endpoints.MapTaskHub();
        }

        return endpoints.MapGrpcService<OrchestratorService>();
    }
}
