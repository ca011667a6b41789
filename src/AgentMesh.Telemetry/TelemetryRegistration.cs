using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace AgentMesh.Telemetry;

/// <summary>Registers the OpenTelemetry SDK (OpenTelemetry.Extensions.Hosting) for an AgentMesh host.</summary>
public static class TelemetryRegistration
{
    /// <summary>
    /// Adds tracing and metrics: the <see cref="AgentMeshTelemetry.Name"/> source and meter (AgentMesh's
    /// <c>invoke_agent</c> / <c>execute_tool</c> spans and the model clients' <c>chat</c> spans and
    /// <c>gen_ai.client.token.usage</c> / <c>gen_ai.client.operation.duration</c> metrics, per the GenAI semantic
    /// conventions), the Dapr.Workflow SDK's activity spans (<see cref="DaprWorkflowSource"/>), ASP.NET Core server and
    /// grpc-dotnet client instrumentation. The OTLP exporter is added only when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (or the signal's own <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c> /
    /// <c>OTEL_EXPORTER_OTLP_METRICS_ENDPOINT</c>) is set in <paramref name="configuration"/>; the SDK reads the other
    /// standard variables (<c>OTEL_SERVICE_NAME</c>, <c>OTEL_RESOURCE_ATTRIBUTES</c>, <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, …)
    /// itself. <paramref name="serviceName"/> is <c>service.name</c> unless <c>OTEL_SERVICE_NAME</c> is set.
    /// A signal with no exporter is not registered at all (no span or measurement is recorded for nobody), unless
    /// <c>Telemetry:Enabled=true</c> asks for it anyway (e.g. for an exporter added by the host). Calling it again adds nothing.
    /// </summary>
    public static IServiceCollection AddAgentMeshTelemetry(this IServiceCollection services, IConfiguration configuration, string serviceName = "agentmesh")
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(Registered)))
        {
            return services;
        }

        services.AddSingleton<Registered>();
        var otlp = !string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var otlpTraces = otlp || !string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]);
        var otlpMetrics = otlp || !string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"]);
        var forced = string.Equals(configuration["Telemetry:Enabled"], "true", StringComparison.OrdinalIgnoreCase);
        if (!otlpTraces && !otlpMetrics && !forced)
        {
            return services;
        }

        var telemetry = services.AddOpenTelemetry();
        if (string.IsNullOrEmpty(configuration["OTEL_SERVICE_NAME"]))
        {
            telemetry.ConfigureResource(r => r.AddService(serviceName));
        }

        telemetry.WithTracing(tracing =>
        {
            tracing.AddSource(AgentMeshTelemetry.Name, DaprWorkflowSource).AddAspNetCoreInstrumentation().AddGrpcClientInstrumentation();
            if (otlpTraces)
            {
                tracing.AddOtlpExporter();
            }
        });
        telemetry.WithMetrics(metrics =>
        {
            metrics.AddMeter(AgentMeshTelemetry.Name).AddAspNetCoreInstrumentation();
            if (otlpMetrics)
            {
                metrics.AddOtlpExporter();
            }
        });
        return services;
    }

    /// <summary>The Dapr.Workflow SDK's source: its <c>WorkflowActivity {name}</c> span around each activity execution, parented on the
    /// trace context the task hub hands over with the activity (the trace of the call that started the workflow).</summary>
    public const string DaprWorkflowSource = "Dapr.Workflow";

    private sealed class Registered;
}
