using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;

namespace AgentMesh.Models;

/// <summary>Creates the client of an OpenAI-compatible chat completions endpoint (OpenAI, Ollama, vLLM, …).</summary>
internal static class OpenAIChatClientFactory
{
    /// <summary>
    /// The OpenAI SDK's chat client for <paramref name="endpoint"/> (validated by <see cref="ModelProviderOptionsValidator"/>)
    /// as an <see cref="IChatClient"/>. The key goes in <c>Authorization: Bearer</c>, or bare in
    /// <see cref="ModelEndpointOptions.ApiKeyHeader"/> when that names another header; no key sends no credential.
    /// Failed calls are retried by <see cref="ModelRetryPolicy"/> (3 times; Retry-After honoured, each wait at most
    /// <paramref name="maxRetryDelay"/>); then the call throws <see cref="ClientResultException"/> (status and the endpoint's message).
    /// </summary>
    public static IChatClient Create(ModelEndpointOptions endpoint, TimeSpan maxRetryDelay)
    {
        // Our own ClientRetryPolicy, not the SDK's default: ClientRetryPolicy.Default (System.ClientModel 1.16) retries
        // without waiting unless the answer has Retry-After, which only adds load to an endpoint that is failing.
        var options = new OpenAIClientOptions { RetryPolicy = new ModelRetryPolicy(maxRetryDelay) };
        if (endpoint.Endpoint is not null)
        {
            options.Endpoint = new Uri(endpoint.Endpoint);
        }

        var hasKey = !string.IsNullOrEmpty(endpoint.ApiKey);
        var bearer = endpoint.ApiKeyHeader is null || string.Equals(endpoint.ApiKeyHeader, "Authorization", StringComparison.OrdinalIgnoreCase);
        if (!hasKey || !bearer)
        {
            options.AddPolicy(new ApiKeyHeaderPolicy(hasKey ? endpoint.ApiKeyHeader : null, endpoint.ApiKey), PipelinePosition.BeforeTransport);
        }

        // The SDK needs a credential; without a key, ApiKeyHeaderPolicy removes this placeholder before the request leaves.
        var credential = new ApiKeyCredential(hasKey ? endpoint.ApiKey! : "no-key");
        return new OpenAIClient(credential, options).GetChatClient(endpoint.Model).AsIChatClient();
    }
}
