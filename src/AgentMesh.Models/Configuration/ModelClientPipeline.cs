using AgentMesh.Telemetry;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace AgentMesh.Models;

/// <summary>
/// Composes every model client that <see cref="ConfiguredChatClientProvider"/> hands out, with
/// <see cref="ChatClientBuilder"/>, outermost first: observability (<see cref="UseObservability"/>), then recording
/// (when a cassette is being recorded, so it writes what the model answered), then the provider's client.
/// </summary>
internal static class ModelClientPipeline
{
    public static IChatClient Build(IChatClient modelClient, ILoggerFactory loggerFactory, CassetteRecorder? recorder)
    {
        var builder = UseObservability(new ChatClientBuilder(modelClient), loggerFactory);
        if (recorder is not null)
        {
            builder.Use(inner => new RecordingChatClient(inner, recorder));
        }

        return builder.Build();
    }

    /// <summary>
    /// The one place for the model calls' logs, traces and metrics. Traces and metrics: Microsoft.Extensions.AI's
    /// OpenTelemetryChatClient (GenAI semantic conventions: <c>chat {model}</c> spans, <c>gen_ai.client.token.usage</c> and
    /// <c>gen_ai.client.operation.duration</c>) on the <see cref="AgentMeshTelemetry.Name"/> source and meter, with the run and
    /// step ids of the enclosing <c>invoke_agent</c> span (<see cref="RunTagsChatClient"/>). Message content is recorded only when
    /// <c>OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true</c>.
    /// </summary>
    private static ChatClientBuilder UseObservability(ChatClientBuilder builder, ILoggerFactory loggerFactory) =>
        builder
            .UseOpenTelemetry(loggerFactory, AgentMeshTelemetry.Name, otel => otel.EnableSensitiveData = CaptureMessageContent())
            .Use(inner => new RunTagsChatClient(inner))
            .UseLogging(loggerFactory);

    private static bool CaptureMessageContent() =>
        string.Equals(Environment.GetEnvironmentVariable("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"), "true", StringComparison.OrdinalIgnoreCase);
}
