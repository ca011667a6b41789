namespace AgentMesh.Models;

/// <summary>
/// Which model provider the agents use; bound from configuration section <c>"Models"</c>, then completed
/// from environment variables (see <see cref="ModelProviderEnvironment"/>).
/// </summary>
public sealed class ModelProviderOptions
{
    /// <summary>Value of <see cref="Provider"/> for the cassette replay provider.</summary>
    public const string Scripted = "scripted";

    /// <summary>Value of <see cref="Provider"/> for OpenAI-compatible endpoints (OpenAI, Ollama, vLLM, …).</summary>
    public const string OpenAI = "openai";

    /// <summary>Value of <see cref="Provider"/> for Azure OpenAI deployments (API key or Entra ID).</summary>
    public const string Azure = "azure";

    /// <summary>
    /// <c>"scripted"</c>, <c>"openai"</c> or <c>"azure"</c> (case-insensitive). <c>null</c> (default) means <c>"openai"</c>
    /// when any of AGENTMESH_MODEL_ENDPOINT, AGENTMESH_MODEL_API_KEY, AGENTMESH_MODEL,
    /// AGENTMESH_MODEL_API_KEY_HEADER is set, else <c>"scripted"</c>.
    /// </summary>
    public string? Provider { get; set; }

    /// <summary>Cassette file replayed by the scripted provider (required for it). Default <c>null</c>.</summary>
    public string? Cassette { get; set; }

    /// <summary>Values for <c>${NAME}</c> in cassette tool-call arguments (e.g. WORKSPACE); also abstracted when recording. Default empty.</summary>
    public Dictionary<string, string> Variables { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Endpoint used by every role of the openai and azure providers unless <see cref="Roles"/> overrides a field.</summary>
    public ModelEndpointOptions Default { get; set; } = new();

    /// <summary>
    /// Per-role overrides (<c>Models:Roles:{role}:{Endpoint,ApiKey,Model,ApiKeyHeader,Tier}</c>); unset fields fall back to the
    /// role's tier, then to <see cref="Default"/>. Role names ignore case.
    /// </summary>
    public Dictionary<string, ModelEndpointOptions> Roles { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Prices per model id (<c>Models:Prices:{model}:{Input,CachedInput,Output}</c>, US dollars per 1M tokens), from which
    /// the cost of every model call is counted (<see cref="ModelPriceTable"/>). A model without a price costs 0. Default empty.
    /// </summary>
    public Dictionary<string, ModelPrice> Prices { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The longest one retry of a failed model call waits inside the SDK, whatever <c>Retry-After</c> the endpoint asks for
    /// (<c>Models:MaxRetryDelay</c>; see <see cref="ModelRetryPolicy"/>). Default 30 seconds; must be more than 0.
    /// </summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Named model tiers (<c>Models:Tiers:{tier}:{Endpoint,ApiKey,Model,ApiKeyHeader}</c>, e.g. <c>fast</c> and <c>strong</c>):
    /// a role defaults to one (<c>Models:Roles:{role}:Tier</c>) and a plan step may name one (PlanStep.model_tier); unset
    /// fields fall back to <see cref="Default"/>. Tier names ignore case. Their prices are the model's in <see cref="Prices"/>.
    /// </summary>
    public Dictionary<string, ModelEndpointOptions> Tiers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>When set, every client is wrapped in a <see cref="RecordingChatClient"/> writing this cassette file. Default <c>null</c>.</summary>
    public string? Record { get; set; }

    /// <summary>Whether <see cref="Provider"/> is <paramref name="provider"/> (ignoring case).</summary>
    public bool IsProvider(string provider) => string.Equals(Provider, provider, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The endpoint options of <paramref name="role"/> on a step that names <paramref name="tier"/> (or none): field by field,
    /// the step's tier, then the role's own overrides, then the role's tier, then <see cref="Default"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="tier"/>, or the role's tier, is not in <see cref="Tiers"/>.</exception>
    public ModelEndpointOptions ResolveEndpoint(string role, string? tier = null)
    {
        Roles.TryGetValue(role, out var overrides);
        var stepTier = Tier(tier);
        var roleTier = Tier(overrides?.Tier);
        ModelEndpointOptions?[] layers = [stepTier, overrides, roleTier, Default];
        return new ModelEndpointOptions
        {
            Endpoint = layers.Select(l => l?.Endpoint).FirstOrDefault(v => v is not null),
            ApiKey = layers.Select(l => l?.ApiKey).FirstOrDefault(v => v is not null),
            Model = layers.Select(l => l?.Model).FirstOrDefault(v => !string.IsNullOrEmpty(v)) ?? string.Empty,
            ApiKeyHeader = layers.Select(l => l?.ApiKeyHeader).FirstOrDefault(v => v is not null),
        };
    }

    private ModelEndpointOptions? Tier(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return null;
        }

        return Tiers.TryGetValue(name, out var tier)
            ? tier
            : throw new ArgumentException($"Model tier \"{name}\" is not configured (Models:Tiers has {(Tiers.Count == 0 ? "none" : string.Join(", ", Tiers.Keys.Order()))}).");
    }
}
