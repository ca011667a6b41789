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
    /// Failed calls are retried up to 3 times (408, 429, 5xx) by the SDK, after growing delays (from 0.8 s) or the answer's <c>Retry-After</c>;
    /// then the call throws <see cref="ClientResultException"/> (status and the endpoint's message).
    /// </summary>
    public static IChatClient Create(ModelEndpointOptions endpoint, Func<TokenCredential> entraId)
    {
        var resource = new Uri(endpoint.Endpoint!);
        var client = string.IsNullOrEmpty(endpoint.ApiKey)
            ? new AzureOpenAIClient(resource, entraId())
            : new AzureOpenAIClient(resource, new ApiKeyCredential(endpoint.ApiKey));
        return client.GetChatClient(endpoint.Model).AsIChatClient();
    }
}
