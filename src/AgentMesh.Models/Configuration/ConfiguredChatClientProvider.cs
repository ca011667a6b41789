using System.Collections.Concurrent;
using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentMesh.Models;

/// <summary>
/// The default <see cref="IChatClientProvider"/>, built from validated <see cref="ModelProviderOptions"/>:
/// "scripted" gives every role one shared <see cref="CassetteChatClient"/>; "openai" gives each role the OpenAI SDK's
/// client for its resolved endpoint; "azure" gives each role Azure.AI.OpenAI's client for its deployment (API key, or
/// Entra ID when the role has no key). With <see cref="ModelProviderOptions.Record"/> every client records into that
/// one cassette file (<see cref="RecordingChatClient"/>). Every client logs through <see cref="ILoggerFactory"/>.
/// </summary>
public sealed class ConfiguredChatClientProvider : IChatClientProvider, IDisposable
{
    private readonly ModelProviderOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ConcurrentDictionary<(string Role, string Tier), IChatClient> _clients = new();
    private readonly Lazy<IChatClient>? _scripted;
    private readonly CassetteRecorder? _recorder;
    private readonly Lazy<TokenCredential> _entraId;

    /// <summary>Creates the provider.</summary>
    /// <param name="options">The validated options.</param>
    /// <param name="loggerFactory">Logs every model call (Microsoft.Extensions.AI's <see cref="LoggingChatClient"/>).</param>
    /// <param name="entraIdCredential">Entra ID credential for Azure OpenAI roles without an API key; <c>null</c> (default) uses <see cref="DefaultAzureCredential"/>.</param>
    /// <exception cref="OptionsValidationException">The options are invalid (see <see cref="ModelProviderOptionsValidator"/>).</exception>
    public ConfiguredChatClientProvider(IOptions<ModelProviderOptions> options, ILoggerFactory loggerFactory, TokenCredential? entraIdCredential = null)
    {
        _options = options.Value;
        _loggerFactory = loggerFactory;
        _entraId = new Lazy<TokenCredential>(() => entraIdCredential ?? new DefaultAzureCredential());
        if (!string.IsNullOrEmpty(_options.Record))
        {
            _recorder = new CassetteRecorder(_options.Record, _options.Variables);
        }

        if (_options.IsProvider(ModelProviderOptions.Scripted))
        {
            _scripted = new Lazy<IChatClient>(() =>
                ModelClientPipeline.Build(new CassetteChatClient(_options.Cassette!, _options.Variables), _loggerFactory, _recorder));
        }
    }

    /// <inheritdoc />
    public IChatClient GetChatClient(string role, string? tier = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(role);
        // Resolving checks the tier, also for the scripted provider, which answers every tier from its cassette.
        var endpoint = _options.ResolveEndpoint(role, tier);
        return _scripted?.Value ?? _clients.GetOrAdd(
            (role.ToLowerInvariant(), tier?.ToLowerInvariant() ?? ""),
            _ => ModelClientPipeline.Build(CreateModelClient(endpoint), _loggerFactory, _recorder));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_scripted is { IsValueCreated: true })
        {
            _scripted.Value.Dispose();
        }

        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }
    }

    private IChatClient CreateModelClient(ModelEndpointOptions endpoint) => _options.IsProvider(ModelProviderOptions.Azure)
        ? AzureOpenAIChatClientFactory.Create(endpoint, () => _entraId.Value, _options.MaxRetryDelay)
        : OpenAIChatClientFactory.Create(endpoint, _options.MaxRetryDelay);
}
