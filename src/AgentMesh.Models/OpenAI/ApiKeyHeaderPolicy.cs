using System.ClientModel.Primitives;

namespace AgentMesh.Models;

/// <summary>
/// Runs just before the transport: removes the OpenAI SDK's <c>Authorization: Bearer</c> header and, when
/// <paramref name="headerName"/> is given, sends <paramref name="apiKey"/> bare in that header instead (e.g. <c>api-key</c>);
/// with no header name the request carries no credential.
/// </summary>
internal sealed class ApiKeyHeaderPolicy(string? headerName, string? apiKey) : PipelinePolicy
{
    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        SetCredential(message.Request);
        ProcessNext(message, pipeline, currentIndex);
    }

    public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        SetCredential(message.Request);
        return ProcessNextAsync(message, pipeline, currentIndex);
    }

    private void SetCredential(PipelineRequest request)
    {
        request.Headers.Remove("Authorization");
        if (headerName is not null && apiKey is not null)
        {
            request.Headers.Set(headerName, apiKey);
        }
    }
}
