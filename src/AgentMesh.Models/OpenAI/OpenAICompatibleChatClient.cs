using System.ClientModel;
using System.ClientModel.Primitives;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;
using AIChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace AgentMesh.Models;

/// <summary>
/// <see cref="IChatClient"/> over the OpenAI SDK's <see cref="ChatClient"/> (chat completions API), for
/// OpenAI, Azure OpenAI's v1 endpoint and OpenAI-compatible servers (Ollama, vLLM, …). Maps system, user
/// (text, images), assistant (text, function calls) and tool (function results) messages; tools, tool
/// mode, temperature, top-p, max output tokens, stop sequences, seed and JSON response formats. Streaming
/// makes one non-streaming call and yields its result as updates. Errors from the endpoint surface as the
/// SDK's <see cref="ClientResultException"/> (status code and body); the SDK retries transient failures.
/// </summary>
public sealed class OpenAICompatibleChatClient : IChatClient
{
    private readonly ChatClient _client;
    private readonly ChatClientMetadata _metadata;

    /// <summary>Creates a client for <paramref name="options"/>.</summary>
    /// <param name="options">Endpoint, key, model and key header.</param>
    /// <param name="httpClient">Transport to use; <c>null</c> uses the SDK's default.</param>
    /// <exception cref="ArgumentException">Model is empty, Endpoint is not an absolute URI, or no key is given for api.openai.com.</exception>
    public OpenAICompatibleChatClient(ModelEndpointOptions options, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Model))
        {
            throw new ArgumentException("ModelEndpointOptions.Model is required.", nameof(options));
        }

        var clientOptions = new OpenAIClientOptions();
        if (options.Endpoint is not null)
        {
            if (!Uri.TryCreate(options.Endpoint, UriKind.Absolute, out var endpoint))
            {
                throw new ArgumentException($"ModelEndpointOptions.Endpoint '{options.Endpoint}' is not an absolute URI.", nameof(options));
            }

            clientOptions.Endpoint = endpoint;
        }
        else if (string.IsNullOrEmpty(options.ApiKey))
        {
            throw new ArgumentException("ModelEndpointOptions.ApiKey is required for api.openai.com (Endpoint is not set).", nameof(options));
        }

        if (httpClient is not null)
        {
            clientOptions.Transport = new HttpClientPipelineTransport(httpClient);
        }

        var bearer = options.ApiKeyHeader is null || string.Equals(options.ApiKeyHeader, "Authorization", StringComparison.OrdinalIgnoreCase);
        if (string.IsNullOrEmpty(options.ApiKey) || !bearer)
        {
            // The SDK always sends "Authorization: Bearer"; move the key to the configured header, or drop it.
            var header = string.IsNullOrEmpty(options.ApiKey) ? null : options.ApiKeyHeader;
            clientOptions.AddPolicy(new ApiKeyHeaderPolicy(header, options.ApiKey), PipelinePosition.BeforeTransport);
        }

        var credential = new ApiKeyCredential(string.IsNullOrEmpty(options.ApiKey) ? "unused" : options.ApiKey);
        _client = new ChatClient(options.Model, credential, clientOptions);
        _metadata = new ChatClientMetadata("openai", clientOptions.Endpoint ?? new Uri("https://api.openai.com/v1"), options.Model);
    }

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<AIChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var request = OpenAIRequestMapping.ToOpenAIMessages(messages);
        var requestOptions = OpenAIRequestMapping.ToOpenAIOptions(options);
        var result = await _client.CompleteChatAsync(request, requestOptions, cancellationToken).ConfigureAwait(false);
        return OpenAIResponseMapping.ToChatResponse(result.Value);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<AIChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        return serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType == typeof(ChatClient) ? _client
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
