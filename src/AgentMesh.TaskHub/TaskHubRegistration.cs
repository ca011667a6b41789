using AgentMesh.TaskHub.Backend;
using AgentMesh.TaskHub.Dispatch;
using AgentMesh.TaskHub.Grpc;
using AgentMesh.InProcess;
using AgentMesh.TaskHub.Sqlite;
using Grpc.Core;
using Grpc.Net.ClientFactory;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentMesh.TaskHub;

/// <summary>Registers and maps the embedded task hub.</summary>
public static class TaskHubRegistration
{
    /// <summary>
    /// Adds the embedded task hub over the SQLite file <see cref="TaskHubOptions.DatabasePath"/>: its
    /// store, the dispatcher of work items (a hosted service) and its health check
    /// (<see cref="TaskHubHealthCheck"/>). Validates at start-up that the path is set.
    /// </summary>
    public static IServiceCollection AddTaskHub(this IServiceCollection services, Action<TaskHubOptions> configure)
    {
        services.AddOptions<TaskHubOptions>().Configure(configure)
            .Validate(o => !string.IsNullOrWhiteSpace(o.DatabasePath), "TaskHub:DatabasePath must name the hub's SQLite file.")
            .Validate(o => o.MaxWorkflowsPerWorker >= 1 && o.MaxActivitiesPerWorker >= 1, "TaskHub:MaxWorkflowsPerWorker and TaskHub:MaxActivitiesPerWorker must be at least 1.")
            .Validate(o => o.CachedHistories >= 0, "TaskHub:CachedHistories must not be negative.")
            .ValidateOnStart();
        services.AddGrpc();
        services.TryAddSingleton<ITaskHubBackend>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<TaskHubOptions>>().Value;
            return new SqliteTaskHubBackend(o.DatabasePath, o.TimeProvider, o.TurnLockTimeout, o.CachedHistories, sp.GetRequiredService<ILogger<SqliteTaskHubBackend>>());
        });
        services.TryAddSingleton<WorkItemDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<WorkItemDispatcher>());
        services.TryAddSingleton<InstanceChanges>();
        services.TryAddSingleton(sp => new TaskHubHealthCheck(sp.GetRequiredService<ITaskHubBackend>(), sp.GetRequiredService<WorkItemDispatcher>()));
        return services;
    }

    /// <summary>
    /// Makes the gRPC client <typeparamref name="TClient"/> (registered with <c>AddGrpcClient</c>, as the
    /// Dapr.Workflow SDK registers the TaskHubSidecarServiceClient that its worker and DaprWorkflowClient
    /// share) call the hub of this process directly instead of over HTTP/2: the same handlers, statuses,
    /// deadlines and cancellation (AgentMesh.InProcess), without the socket, HTTP/2 framing
    /// and TLS. Callers in other processes still use the hub's port. Needs <see cref="AddTaskHub"/>.
    /// </summary>
    public static IServiceCollection AddTaskHubInProcessClient<TClient>(this IServiceCollection services) where TClient : ClientBase
    {
        services.AddInProcessGrpcService<TaskHubSidecarService>(Protocol.TaskHubSidecarService.Descriptor.FullName, b => Protocol.TaskHubSidecarService.BindService(b, null));
        // The SDK's own channel settings decide the client's message limits; the hub's server limits still apply.
        services.TryAddSingleton(sp => new TaskHubInProcessInvoker(sp.CreateInProcessCallInvoker(new InProcessCallSettings { MaxReceiveMessageSize = null })));
        services.AddGrpcClient<TClient>((sp, o) =>
        {
            // The channel the factory builds from this address is never called.
            o.Address ??= new Uri("http://in-process");
            o.Creator = _ => Activator.CreateInstance(typeof(TClient), sp.GetRequiredService<TaskHubInProcessInvoker>().Invoker)!;
        });
        return services;
    }

    /// <summary>The one in-process invoker the hub's SDK clients share.</summary>
    private sealed record TaskHubInProcessInvoker(CallInvoker Invoker);

    /// <summary>Maps TaskHubSidecarService (paths <c>/TaskHubSidecarService/&lt;Method&gt;</c>). Throws <see cref="InvalidOperationException"/> when <see cref="AddTaskHub"/> did not run.</summary>
    public static GrpcServiceEndpointConventionBuilder MapTaskHub(this IEndpointRouteBuilder endpoints)
    {
        if (endpoints.ServiceProvider.GetService<WorkItemDispatcher>() is null)
            throw new InvalidOperationException("MapTaskHub needs services.AddTaskHub(o => o.DatabasePath = \"taskhub.db\") first.");
        return endpoints.MapGrpcService<TaskHubSidecarService>();
    }
}
