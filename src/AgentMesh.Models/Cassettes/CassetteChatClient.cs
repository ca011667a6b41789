using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace AgentMesh.Models;

/// <summary>
/// The scripted provider: answers each model call from a cassette file (see <see cref="CassetteDocument"/>),
/// never from the prompt text. A call is identified by its <see cref="ModelCallTags"/> (role, step, turn).
/// </summary>
/// <remarks>
/// Matching, for a call tagged (role, step, turn): an entry is a candidate when its role equals the
/// call's (ordinal, ignoring case), its turn equals the call's, and its step is absent or equals the
/// call's step (ordinal; an entry naming a step never matches a call without one). Among candidates, the
/// first in file order that names the call's step wins; if none names it, the first in file order without
/// a step wins. Matching keeps no state: the same call always gets the same answer, so a retried or
/// resumed step, a restarted host and a second run all replay alike (give step ids to tell apart two
/// steps of one role). No candidate: <see cref="CassetteMissException"/>. A response's <c>delayMs</c>
/// (the recorded latency) is waited before answering.
/// Tool-call argument strings have <c>${VAR}</c> replaced from the variables given (an unknown name throws
/// <see cref="InvalidOperationException"/>). Safe for concurrent callers.
/// </remarks>
public sealed class CassetteChatClient : IChatClient
{
    private readonly CassetteDocument _cassette;
    private readonly IReadOnlyDictionary<string, string> _variables;
    private readonly string _defaultModelId;

    /// <summary>Loads the cassette at <paramref name="cassettePath"/>.</summary>
    /// <param name="cassettePath">The cassette JSON file.</param>
    /// <param name="variables">Values for <c>${VAR}</c> in tool-call arguments (e.g. WORKSPACE); <c>null</c> means none.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid version-1 cassette.</exception>
    public CassetteChatClient(string cassettePath, IReadOnlyDictionary<string, string>? variables = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(cassettePath);
        CassettePath = cassettePath;
        _cassette = CassetteFile.Load(cassettePath);
        _variables = variables ?? new Dictionary<string, string>();
        _defaultModelId = $"scripted:{Path.GetFileName(cassettePath)}";
    }

    /// <summary>The cassette file.</summary>
    public string CassettePath { get; }

    /// <inheritdoc />
    /// <exception cref="CassetteMissException">No entry matches the call, the call has no tags, or the entry refers to a variable that was not given.</exception>
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var tags = ModelCallTags.Get(options)
            ?? throw new CassetteMissException(
                $"Model call carries no agentmesh role/turn tags (ModelCallTags), so cassette '{CassettePath}' cannot answer it.",
                CassettePath, null, null, null);
        var index = Find(tags.Role, tags.StepId, tags.Turn);
        var exchange = _cassette.Exchanges[index];
        if (exchange.Response.DelayMs is > 0 and var delay)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(delay), cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return ToResponse(exchange, index);
        }
        catch (InvalidOperationException e) when (e is not CassetteMissException)
        {
            // An entry that names an unknown ${VAR} can never be replayed here: as final as a miss.
            throw new CassetteMissException(e.Message, CassettePath, tags.Role, tags.StepId, tags.Turn);
        }
    }

    /// <summary>The answer <see cref="GetResponseAsync"/> gives, as streamed updates (<see cref="ChatResponse.ToChatResponseUpdates"/>).</summary>
    /// <exception cref="CassetteMissException">As for <see cref="GetResponseAsync"/>, thrown when enumeration starts.</exception>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
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
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("scripted", null, _defaultModelId)
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private int Find(string role, string? stepId, int turn)
    {
        int? stepless = null;
        for (var i = 0; i < _cassette.Exchanges.Count; i++)
        {
            var entry = _cassette.Exchanges[i];
            if (entry.Turn != turn || !string.Equals(entry.Role, role, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (entry.Step is null)
            {
                stepless ??= i;
            }
            else if (stepId is not null && string.Equals(entry.Step, stepId, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return stepless ?? throw Miss(role, stepId, turn);
    }

    private CassetteMissException Miss(string role, string? stepId, int turn)
    {
        var message = new StringBuilder()
            .Append($"Cassette '{CassettePath}' has no exchange for role '{role}', step '{stepId ?? "(none)"}', turn {turn}.");
        var forRole = _cassette.Exchanges
            .Where(entry => string.Equals(entry.Role, role, StringComparison.OrdinalIgnoreCase))
            .Select(entry => $"turn {entry.Turn}, step '{entry.Step ?? "(any)"}'")
            .ToList();
        message.Append(forRole.Count == 0
            ? $" It has no exchanges for role '{role}'."
            : $" It has for role '{role}': {string.Join("; ", forRole)}.");
        return new CassetteMissException(message.ToString(), CassettePath, role, stepId, turn);
    }

    private ChatResponse ToResponse(CassetteExchange exchange, int index)
    {
        var where = $"Cassette '{CassettePath}' exchange #{index + 1} (role '{exchange.Role}', turn {exchange.Turn})";
        var contents = new List<AIContent>();
        if (!string.IsNullOrEmpty(exchange.Response.Text))
        {
            contents.Add(new TextContent(exchange.Response.Text));
        }

        foreach (var call in exchange.Response.ToolCalls ?? [])
        {
            var arguments = new Dictionary<string, object?>();
            if (CassetteVariables.Expand(call.Arguments, _variables, where) is { } expanded)
            {
                foreach (var property in JsonSerializer.SerializeToElement(expanded).EnumerateObject())
                {
                    arguments[property.Name] = property.Value.Clone();
                }
            }

            contents.Add(new FunctionCallContent(call.Id, call.Name, arguments));
        }

        var usage = exchange.Response.Usage;
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, contents))
        {
            ResponseId = $"cassette-{index + 1}",
            ModelId = exchange.Response.Model ?? _defaultModelId,
            FinishReason = exchange.Response.ToolCalls is { Count: > 0 } ? ChatFinishReason.ToolCalls : ChatFinishReason.Stop,
            Usage = usage is null ? null : new UsageDetails
            {
                InputTokenCount = usage.InputTokens,
                OutputTokenCount = usage.OutputTokens,
                CachedInputTokenCount = usage.CachedInputTokens,
                TotalTokenCount = (usage.InputTokens ?? 0) + (usage.OutputTokens ?? 0),
            },
        };
    }
}
