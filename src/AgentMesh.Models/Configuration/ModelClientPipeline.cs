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

    /// <summary>The one place for the model calls' logs, traces and metrics. The observability work adds <c>.UseOpenTelemetry()</c> here, before logging.</summary>
    private static ChatClientBuilder UseObservability(ChatClientBuilder builder, ILoggerFactory loggerFactory) =>
        builder.UseLogging(loggerFactory);
}
