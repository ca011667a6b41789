namespace AgentMesh.Models;

/// <summary>Where and how to reach one OpenAI-compatible chat completions endpoint.</summary>
public sealed class ModelEndpointOptions
{
    /// <summary>
    /// Base URL the client appends <c>chat/completions</c> to, e.g. <c>http://localhost:11434/v1</c> (Ollama),
    /// <c>https://&lt;resource&gt;.openai.azure.com/openai/v1/</c> (Azure OpenAI v1). <c>null</c> (default) means
    /// <c>https://api.openai.com/v1</c>.
    /// </summary>
    public string? Endpoint { get; set; }

    /// <summary>The API key; <c>null</c> (default) sends no credential (local servers that need none).</summary>
    public string? ApiKey { get; set; }

    /// <summary>The model (or Azure deployment) name sent as <c>model</c>. Required.</summary>
    public string Model { get; set; } = string.Empty;

    /// <summary>
    /// Header carrying the key. <c>null</c> or <c>"Authorization"</c> (default) sends
    /// <c>Authorization: Bearer &lt;key&gt;</c>; any other name (e.g. <c>"api-key"</c> for Azure OpenAI) sends the bare key in that header.
    /// </summary>
    public string? ApiKeyHeader { get; set; }
}
