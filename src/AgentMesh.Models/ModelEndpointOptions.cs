namespace AgentMesh.Models;

/// <summary>Where and how to reach one model: an OpenAI-compatible endpoint or an Azure OpenAI deployment.</summary>
public sealed class ModelEndpointOptions
{
    /// <summary>
    /// Provider "openai": the base URL the client appends <c>chat/completions</c> to, e.g. <c>http://localhost:11434/v1</c>
    /// (Ollama); <c>null</c> (default) means <c>https://api.openai.com/v1</c>. Provider "azure": the resource URL, e.g.
    /// <c>https://&lt;resource&gt;.openai.azure.com/</c> (no path); required.
    /// </summary>
    public string? Endpoint { get; set; }

    /// <summary>
    /// The API key. <c>null</c> (default): provider "openai" sends no credential (local servers that need none);
    /// provider "azure" authenticates with Entra ID instead.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>The model name sent as <c>model</c> (provider "openai"), or the deployment name (provider "azure"). Required.</summary>
    public string Model { get; set; } = string.Empty;

    /// <summary>
    /// Provider "openai" only: the header carrying the key. <c>null</c> or <c>"Authorization"</c> (default) sends
    /// <c>Authorization: Bearer &lt;key&gt;</c>; any other name (e.g. <c>"api-key"</c> for Azure OpenAI's v1 endpoint) sends
    /// the bare key in that header. Provider "azure" always sends <c>api-key</c>, so must leave it unset.
    /// </summary>
    public string? ApiKeyHeader { get; set; }

    /// <summary>
    /// Only in <c>Models:Roles:{role}</c>: the tier (<see cref="ModelProviderOptions.Tiers"/>) the role uses by default; its own
    /// fields set here still win over the tier's. <c>null</c> (default): <see cref="ModelProviderOptions.Default"/>.
    /// </summary>
    public string? Tier { get; set; }
}
