using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace AgentMesh.Models;

/// <summary>
/// The default <see cref="IChatClientProvider"/>, built from validated <see cref="ModelProviderOptions"/>:
/// "scripted" gives every role one shared <see cref="CassetteChatClient"/>; "openai" gives each role an
/// <see cref="OpenAICompatibleChatClient"/> for its resolved endpoint. With <see cref="ModelProviderOptions.Record"/>
/// every client is wrapped in a <see cref="RecordingChatClient"/> writing that one file.
/// </summary>
public sealed class ConfiguredChatClientProvider : IChatClientProvider, IDisposable
{
    private readonly ModelProviderOptions _options;
    private readonly ConcurrentDictionary<string, IChatClient> _clients = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lazy<CassetteChatClient>? _cassette;
    private readonly CassetteRecorder? _recorder;

    /// <summary>Creates the provider.</summary>
    /// <exception cref="OptionsValidationException">The options are invalid (see <see cref="ModelProviderOptionsValidator"/>).</exception>
    public ConfiguredChatClientProvider(IOptions<ModelProviderOptions> options)
    {
        _options = options.Value;
        if (string.Equals(_options.Provider, ModelProviderOptions.Scripted, StringComparison.OrdinalIgnoreCase))
        {
            _cassette = new Lazy<CassetteChatClient>(() => new CassetteChatClient(_options.Cassette!, _options.Variables));
        }

        if (!string.IsNullOrEmpty(_options.Record))
        {
            _recorder = new CassetteRecorder(_options.Record, _options.Variables);
        }
    }

    /// <inheritdoc />
    public IChatClient GetChatClient(string role)
    {
        ArgumentException.ThrowIfNullOrEmpty(role);
        return _clients.GetOrAdd(role, r =>
        {
            IChatClient client = _cassette is not null
                ? _cassette.Value
                : new OpenAICompatibleChatClient(_options.ResolveEndpoint(r));
            return _recorder is null ? client : new RecordingChatClient(client, _recorder);
        });
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }
    }
}
