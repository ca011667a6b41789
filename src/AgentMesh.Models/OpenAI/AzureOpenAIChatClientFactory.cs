using System.ClientModel;
using Azure.AI.OpenAI;
using Azure.Core;
using Microsoft.Extensions.AI;

namespace AgentMesh.Models;

/// <summary>Creates the client of an Azure OpenAI deployment.</summary>
internal static class AzureOpenAIChatClientFactory
{
    /// <summary>
    /// Azure.AI.OpenAI's chat client for deployment <see cref="ModelEndpointOptions.Model"/> of the resource at
    /// <see cref="ModelEndpointOptions.Endpoint"/> (validated by <see cref="ModelProviderOptionsValidator"/>), as an
    /// <see cref="IChatClient"/>. With <see cref="ModelEndpointOptions.ApiKey"/> the key goes in the <c>api-key</c> header;
    /// without it the client authenticates with Entra ID through <paramref name="entraId"/> (called only then).
    /// Failed calls are retried by <see cref="ModelRetryPolicy"/> (3 times; Retry-After and retry-after-ms honoured, each wait
    /// at most <paramref name="maxRetryDelay"/>); then the call throws <see cref="ClientResultException"/> (status and the endpoint's message).
    /// </summary>
    public static IChatClient Create(ModelEndpointOptions endpoint, Func<TokenCredential> entraId, TimeSpan maxRetryDelay)
    {
        var resource = new Uri(endpoint.Endpoint!);
        var options = new AzureOpenAIClientOptions { RetryPolicy = new ModelRetryPolicy(maxRetryDelay) };
        var client = string.IsNullOrEmpty(endpoint.ApiKey)
            ? new AzureOpenAIClient(resource, entraId(), options)
            : new AzureOpenAIClient(resource, new ApiKeyCredential(endpoint.ApiKey), options);
        return client.GetChatClient(endpoint.Model).AsIChatClient();
    }
}
