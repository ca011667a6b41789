using AgentMesh.Workflow.Backend;
using AgentMesh.Workflow.Sqlite;
using AgentMesh.Workflow.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace AgentMesh.Workflow;

/// <summary>Registers the workflow runtime.</summary>
public static class WorkflowServiceCollectionExtensions
{
    /// <summary>
    /// Adds the workflow runtime: the task hub, <see cref="WorkflowClient"/> (singleton) and the worker
    /// (an <c>IHostedService</c>) with its <see cref="WorkflowWorkerHealthCheck"/>. Call once per service collection.
    /// </summary>
    /// <exception cref="InvalidOperationException">The options are invalid (message names the setting), or the runtime was already added.</exception>
    public static IServiceCollection AddWorkflowRuntime(this IServiceCollection services, Action<WorkflowRuntimeOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        if (services.Any(d => d.ServiceType == typeof(WorkflowRuntimeOptions)))
            throw new InvalidOperationException("AddWorkflowRuntime was already called on this service collection.");
        var options = new WorkflowRuntimeOptions();
        configure(options);
        options.Validate();
        services.AddSingleton(options);
        services.TryAddSingleton<ITaskHubBackend>(_ => new SqliteTaskHubBackend(options.SqliteDatabasePath!, options.TimeProvider, options.WorkItemLockTimeout));
        services.TryAddSingleton(sp => new WorkflowClient(sp.GetRequiredService<ITaskHubBackend>(), options));
        services.AddSingleton(sp => new WorkflowWorkerService(sp.GetRequiredService<ITaskHubBackend>(), options, sp,
            sp.GetService<ILoggerFactory>() ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance,
            sp.GetService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>()));
        services.AddHostedService(sp => sp.GetRequiredService<WorkflowWorkerService>());
        services.TryAddSingleton(sp => new WorkflowWorkerHealthCheck(sp.GetRequiredService<WorkflowWorkerService>()));
        return services;
    }
}
