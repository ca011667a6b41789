using System.ClientModel.Primitives;
using System.Globalization;

namespace AgentMesh.Models;

/// <summary>
/// How a model call is retried inside the SDK: System.ClientModel's <see cref="ClientRetryPolicy"/> (3 retries of 408, 429,
/// 5xx and network errors, after 0.8 s, 1.6 s, 3.2 s or the answer's <c>Retry-After</c> in seconds when longer), which also
/// honours <c>retry-after-ms</c> and <c>x-ms-retry-after-ms</c> (as Azure OpenAI sends them), and waits at most
/// <paramref name="maxDelay"/> each time, however long the endpoint asks for. After the last retry the call throws, and the
/// step's own retry (the run's activity policy) takes over.
/// </summary>
internal sealed class ModelRetryPolicy(TimeSpan maxDelay) : ClientRetryPolicy(maxRetries: 3)
{
    private static readonly string[] MillisecondHeaders = ["retry-after-ms", "x-ms-retry-after-ms"];

    protected override TimeSpan GetNextDelay(PipelineMessage message, int tryCount)
    {
        var delay = base.GetNextDelay(message, tryCount);
        foreach (var header in MillisecondHeaders)
        {
            if (message.Response?.Headers.TryGetValue(header, out var value) == true
                && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var milliseconds) && milliseconds >= 0
                && TimeSpan.FromMilliseconds(milliseconds) > delay)
            {
                delay = TimeSpan.FromMilliseconds(milliseconds);
            }
        }

        return delay > maxDelay ? maxDelay : delay;
    }
}
