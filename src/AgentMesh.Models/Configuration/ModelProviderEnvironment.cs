namespace AgentMesh.Models;

/// <summary>
/// Completes <see cref="ModelProviderOptions"/> from environment variables. Each variable fills its
/// <c>Models:Default</c> field only when configuration left that field unset: AGENTMESH_MODEL_ENDPOINT →
/// Endpoint, AGENTMESH_MODEL_API_KEY (else OPENAI_API_KEY, except for provider "azure") → ApiKey, AGENTMESH_MODEL → Model,
/// AGENTMESH_MODEL_API_KEY_HEADER → ApiKeyHeader. When no Provider is configured, any AGENTMESH_MODEL*
/// variable selects <c>"openai"</c> (OPENAI_API_KEY alone does not); otherwise the provider is <c>"scripted"</c>.
/// </summary>
public static class ModelProviderEnvironment
{
    /// <summary>Endpoint variable.</summary>
    public const string Endpoint = "AGENTMESH_MODEL_ENDPOINT";

    /// <summary>API key variable.</summary>
    public const string ApiKey = "AGENTMESH_MODEL_API_KEY";

    /// <summary>Fallback API key variable (not used by provider "azure", where no key means Entra ID).</summary>
    public const string OpenAIApiKey = "OPENAI_API_KEY";

    /// <summary>Model variable.</summary>
    public const string Model = "AGENTMESH_MODEL";

    /// <summary>API key header variable.</summary>
    public const string ApiKeyHeader = "AGENTMESH_MODEL_API_KEY_HEADER";

    /// <summary>Applies the variables read through <paramref name="lookup"/> (returns <c>null</c> for unset) to <paramref name="options"/>.</summary>
    public static void Apply(ModelProviderOptions options, Func<string, string?> lookup)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(lookup);
        string? Read(string name) => lookup(name) is { Length: > 0 } value ? value : null;

        var endpoint = Read(Endpoint);
        var apiKey = Read(ApiKey);
        var model = Read(Model);
        var header = Read(ApiKeyHeader);
        if (string.IsNullOrWhiteSpace(options.Provider))
        {
            options.Provider = (endpoint ?? apiKey ?? model ?? header) is not null ? ModelProviderOptions.OpenAI : ModelProviderOptions.Scripted;
        }

        options.Default ??= new ModelEndpointOptions();
        options.Default.Endpoint ??= endpoint;
        options.Default.ApiKey ??= apiKey ?? (options.IsProvider(ModelProviderOptions.Azure) ? null : Read(OpenAIApiKey));
        if (string.IsNullOrEmpty(options.Default.Model))
        {
            options.Default.Model = model ?? string.Empty;
        }

        options.Default.ApiKeyHeader ??= header;
    }
}
