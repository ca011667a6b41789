using System.ClientModel.Primitives;

namespace AgentMesh.Models;

/// <summary>
/// Runs just before the transport and replaces the SDK's <c>Authorization: Bearer</c> header with the key in
/// another header (<paramref name="headerName"/>), or with no credential at all when the header name is <c>null</c>.
/// </summary>
internal sealed class ApiKeyHeaderPolicy(string? headerName, string? apiKey) : PipelinePolicy
{
    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        Rewrite(message);
        ProcessNext(message, pipeline, currentIndex);
    }

    public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        Rewrite(message);
        return ProcessNextAsync(message, pipeline, currentIndex);
    }

    private void Rewrite(PipelineMessage message)
    {
        message.Request.Headers.Remove("Authorization");
        if (headerName is not null && apiKey is not null)
        {
            message.Request.Headers.Set(headerName, apiKey);
        }
    }
}
